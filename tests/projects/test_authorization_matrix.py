"""Every URL, every role: who gets what, and an outsider never reads or changes another brand.

The URL list is read from the resolver, so a new URL without a row in ROUTES fails
`test_every_url_has_a_row`. To add a URL, add ONE line to ROUTES: its name, method, how to build
its path from a brand's objects (`World`), and the expected status for each role in ROLES order:

    anonymous, no brand, viewer, marketer, reviewer, other brand's admin, brand admin, superuser

Requests by the brand's own members run inside a rolled-back transaction, so one role's write does
not change what the next role sees. Requests by outsiders (anonymous, no brand, the other brand's
admin, and every member of brand A asking for brand B's objects) are NOT rolled back: the test
fingerprints every brand and campaign table before and after, so a write that slips through fails.
Objects of another brand answer 404, never 403 and never 200.

The admin (`admin:*`) and queue dashboard (`django_rq:*`) namespaces are swept generically below:
every one of their URLs is requested, not listed one by one.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.services.tokens import token_create
from brandkit.choices import BrandStatus, MembershipRole
from brandkit.models import Brand, PosterTemplate, ReferencePack
from brandkit.services.reference_packs import reference_pack_add_image
from projects.models import Asset, AssetVersion, Campaign, Generation, GenerationBatch
from projects.models.webhooks import WebhookEndpoint
from projects.services.campaigns import campaign_create
from tests.factories import (
    UserFactory,
    brand_with_admin,
    draft_pack,
    image_bytes,
    member,
    published_pack,
    published_template,
)
from tests.projects.generation_support import ask
from tests.projects.review_support import LOCAL_SIZE, inline_queue  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]

ROLES = (
    "anonymous",
    "no_brand",
    "viewer",
    "marketer",
    "reviewer",
    "other_admin",
    "admin",
    "superuser",
)
OUTSIDERS = {"anonymous", "no_brand", "other_admin"}
NOT_FOUND = 404


@dataclass
class World:
    """One brand's objects, as the URL builders see them."""

    brand: Brand
    admin: Any
    draft_pack: ReferencePack
    published_pack: ReferencePack
    template: PosterTemplate
    campaign: Campaign
    generation: Generation
    batch: GenerationBatch
    asset: Asset
    version: AssetVersion
    webhook: Any
    token: Any

    @property
    def image(self) -> Any:
        return self.draft_pack.images.first()


def build_world(name: str, slug: str, *, image_offset: int = 0) -> World:
    brand, brand_admin = brand_with_admin(name=name, slug=slug, status=BrandStatus.PUBLISHED)
    pack = published_pack(brand, brand_admin, name=f"{name} pack")
    template = published_template(brand, brand_admin, name=f"{name} poster")
    campaign = campaign_create(brand=brand, owner=brand_admin, name=f"{name} campaign")
    side = SimpleNamespace(campaign=campaign, marketer=brand_admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        [generation] = ask(side, provider="local", size=LOCAL_SIZE)
        batch = ask(side, provider="local", size=LOCAL_SIZE, variants=2)[0].batch
    version = AssetVersion.objects.select_related("asset").get(generation=generation)
    return World(
        brand=brand,
        admin=brand_admin,
        draft_pack=pack_with_images(brand, name=f"{name} draft", offset=image_offset),
        published_pack=pack,
        template=template,
        campaign=campaign,
        generation=generation,
        batch=batch,
        asset=version.asset,
        version=version,
        # Test rows: a webhook endpoint (registration vets the URL over DNS) and an API token.
        webhook=WebhookEndpoint.objects.create(
            brand=brand,
            url="https://hooks.example.com/brandkit",
            events=["asset.approved"],
            secret_encrypted="not-used",
            created_by=brand_admin,
        ),
        token=token_create(user=brand_admin, name=f"{name} script")[0],
    )


def pack_with_images(brand: Brand, *, name: str, offset: int) -> ReferencePack:
    """A draft pack of two images no other brand has (offset them per brand)."""
    pack = draft_pack(brand, name=name)
    for index in (offset, offset + 1):
        reference_pack_add_image(pack=pack, data=image_bytes(index), caption=f"Image {index}")
    return pack


class Route(NamedTuple):
    name: str
    method: str
    path: Callable[[World], str] | None  # None: the URL takes no object
    expected: tuple[int, ...]
    data: dict[str, Any] | None = None


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def ct(model: type) -> int:
    return ContentType.objects.get_for_model(model).pk


# name, method, path builder, expected (anonymous, no brand, viewer, marketer, reviewer,
# other brand's admin, brand admin, superuser)
ROUTES: tuple[Route, ...] = (
    Route("login", "GET", None, (200, 200, 200, 200, 200, 200, 200, 200)),
    Route("logout", "POST", None, (302, 302, 302, 302, 302, 302, 302, 302)),
    Route(
        "view_on_site",
        "GET",
        lambda w: f"/admin/r/{ct(Campaign)}/{w.campaign.pk}/",
        (404, 404, 404, 404, 404, 404, 302, 302),
    ),
    Route(
        "media_file",
        "GET",
        lambda w: w.image.file.url,
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route("projects:dashboard", "GET", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    Route(
        "projects:dashboard_generations",
        "GET",
        None,
        (302, 200, 200, 200, 200, 200, 200, 200),
    ),
    Route("projects:model_list", "GET", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    Route("projects:campaign_list", "GET", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    Route(
        "projects:campaign_detail",
        "GET",
        lambda w: url("projects:campaign_detail", w.campaign.pk),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "projects:campaign_detail",
        "POST",
        lambda w: url("projects:campaign_detail", w.campaign.pk),
        (302, 404, 400, 400, 400, 404, 400, 400),
        {"prompt": "a bottle", "mode": "text_to_image", "size": LOCAL_SIZE, "provider": "local"},
    ),
    Route(
        "projects:campaign_versions",
        "GET",
        lambda w: url("projects:campaign_versions", w.campaign.pk),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "projects:campaign_progress",
        "GET",
        lambda w: url("projects:campaign_progress", w.campaign.pk),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "projects:generation_control",
        "POST",
        lambda w: url("projects:generation_control", w.generation.pk, "retry"),
        (302, 404, 302, 302, 302, 404, 302, 302),
    ),
    Route(
        "projects:batch_control",
        "POST",
        lambda w: url("projects:batch_control", w.batch.pk, "cancel"),
        (302, 404, 302, 302, 302, 404, 302, 302),
    ),
    Route(
        "projects:asset_detail",
        "GET",
        lambda w: url("projects:asset_detail", w.asset.pk),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "projects:asset_status",
        "GET",
        lambda w: url("projects:asset_status", w.asset.pk),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "projects:asset_submit",
        "POST",
        lambda w: url("projects:asset_submit", w.asset.pk),
        (302, 404, 302, 302, 302, 404, 302, 302),
        {"version": 1},
    ),
    Route(
        "projects:asset_decide",
        "POST",
        lambda w: url("projects:asset_decide", w.asset.pk),
        (302, 404, 302, 302, 302, 404, 302, 302),
        {"decision": "approved", "comment": "ok"},
    ),
    Route(
        "projects:asset_edit",
        "POST",
        lambda w: url("projects:asset_edit", w.asset.pk),
        (302, 404, 302, 302, 302, 404, 302, 302),
        {"prompt": "bluer", "version": 1},
    ),
    Route(
        "projects:asset_compare",
        "GET",
        lambda w: url("projects:asset_compare", w.asset.pk),
        (302, 404, 302, 302, 302, 404, 302, 302),
    ),
    Route(
        "projects:version_reproduce",
        "POST",
        lambda w: url("projects:version_reproduce", w.asset.pk, 1),
        (302, 404, 302, 302, 302, 404, 302, 302),
    ),
    Route("projects:review_inbox", "GET", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    Route(
        "projects:audit_log",
        "GET",
        lambda w: url("projects:audit_log", w.brand.slug),
        (302, 404, 403, 403, 403, 404, 200, 200),
    ),
    Route(
        "projects:audit_log_csv",
        "GET",
        lambda w: url("projects:audit_log_csv", w.brand.slug),
        (302, 404, 403, 403, 403, 404, 200, 200),
    ),
    Route("projects:library_index", "GET", None, (302, 302, 302, 302, 302, 302, 302, 302)),
    Route(
        "projects:brand_library",
        "GET",
        lambda w: url("projects:brand_library", w.brand.slug),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route("projects:analytics_index", "GET", None, (302, 302, 302, 302, 302, 302, 302, 302)),
    Route(
        "projects:brand_analytics",
        "GET",
        lambda w: url("projects:brand_analytics", w.brand.slug),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route("brandkit:brand_list", "GET", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    Route(
        "brandkit:brand_detail",
        "GET",
        lambda w: url("brandkit:brand_detail", w.brand.slug),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "brandkit:reference_pack_create",
        "POST",
        lambda w: url("brandkit:reference_pack_create", w.brand.slug),
        (302, 404, 403, 403, 403, 404, 302, 302),
        {"name": "New pack", "purpose": "product"},
    ),
    Route(
        "brandkit:reference_pack_detail",
        "GET",
        lambda w: url("brandkit:reference_pack_detail", w.draft_pack.pk),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "brandkit:reference_pack_image_add",
        "POST",
        lambda w: url("brandkit:reference_pack_image_add", w.draft_pack.pk),
        (302, 404, 403, 403, 403, 404, 400, 400),
    ),
    Route(
        "brandkit:reference_pack_image_remove",
        "POST",
        lambda w: url("brandkit:reference_pack_image_remove", w.draft_pack.pk, w.image.pk),
        (302, 404, 403, 403, 403, 404, 302, 302),
    ),
    Route(
        "brandkit:reference_pack_image_caption",
        "POST",
        lambda w: url("brandkit:reference_pack_image_caption", w.draft_pack.pk, w.image.pk),
        (302, 404, 403, 403, 403, 404, 302, 302),
        {"caption": "changed"},
    ),
    Route(
        "brandkit:reference_pack_image_move",
        "POST",
        lambda w: url("brandkit:reference_pack_image_move", w.draft_pack.pk, w.image.pk),
        (302, 404, 403, 403, 403, 404, 302, 302),
        {"direction": "down"},
    ),
    Route(
        "brandkit:reference_pack_reorder",
        "POST",
        lambda w: url("brandkit:reference_pack_reorder", w.draft_pack.pk),
        (302, 404, 403, 403, 403, 404, 302, 302),
    ),
    Route(
        "brandkit:reference_pack_publish",
        "POST",
        lambda w: url("brandkit:reference_pack_publish", w.draft_pack.pk),
        (302, 404, 403, 403, 403, 404, 200, 200),
    ),
    Route(
        "brandkit:reference_pack_new_version",
        "POST",
        lambda w: url("brandkit:reference_pack_new_version", w.published_pack.pk),
        (302, 404, 403, 403, 403, 404, 302, 302),
    ),
    Route(
        "brandkit:poster_template_detail",
        "GET",
        lambda w: url("brandkit:poster_template_detail", w.template.pk),
        (302, 404, 200, 200, 200, 404, 200, 200),
    ),
    Route(
        "brandkit:poster_template_create",
        "POST",
        lambda w: url("brandkit:poster_template_create", w.brand.slug),
        (302, 404, 403, 403, 403, 404, 302, 302),
        {"name": "New poster"},
    ),
    Route(
        "brandkit:template_design",
        "GET",
        lambda w: url("brandkit:template_design", w.template.pk),
        (302, 404, 403, 403, 403, 404, 200, 200),
    ),
    Route(
        "brandkit:template_design_preview",
        "POST",
        lambda w: url("brandkit:template_design_preview", w.template.pk),
        (302, 404, 403, 403, 403, 404, 400, 400),
    ),
    Route(
        "brandkit:template_publish",
        "POST",
        lambda w: url("brandkit:template_publish", w.template.pk),
        (302, 404, 403, 403, 403, 404, 302, 302),
    ),
    Route(
        "brandkit:template_new_version",
        "POST",
        lambda w: url("brandkit:template_new_version", w.template.pk),
        (302, 404, 403, 403, 403, 404, 302, 302),
    ),
    # No approved version in the world: the exports answer 404 even to members; what matters
    # here is that outsiders get nothing (tests/projects/test_exports.py covers the content).
    Route(
        "projects:asset_export",
        "GET",
        lambda w: url("projects:asset_export", w.asset.pk),
        (302, 404, 404, 404, 404, 404, 404, 404),
    ),
    Route(
        "projects:campaign_export",
        "GET",
        lambda w: url("projects:campaign_export", w.campaign.pk),
        (302, 404, 404, 404, 404, 404, 404, 404),
    ),
    Route(
        "projects:csv_batch_upload",
        "GET",
        lambda w: url("projects:csv_batch_upload", w.campaign.pk),
        (302, 404, 403, 200, 403, 404, 200, 200),
    ),
    Route(
        "projects:csv_batch_upload",
        "POST",
        lambda w: url("projects:csv_batch_upload", w.campaign.pk),
        (302, 404, 403, 400, 403, 404, 400, 400),
    ),
    Route(
        "projects:csv_batch_template",
        "GET",
        lambda w: url("projects:csv_batch_template", w.campaign.pk, w.template.pk),
        (302, 404, 403, 200, 403, 404, 200, 200),
    ),
    Route(
        "api_tokens:token_list",
        "GET",
        None,
        (302, 200, 200, 200, 200, 200, 200, 200),
    ),
    Route(
        "api_tokens:token_revoke",
        "POST",
        lambda w: url("api_tokens:token_revoke", w.token.pk),
        (302, 404, 404, 404, 404, 404, 302, 404),
    ),
    Route(
        "projects:webhook_list",
        "GET",
        lambda w: url("projects:webhook_list", w.brand.slug),
        (302, 404, 404, 404, 404, 404, 200, 200),
    ),
    Route(
        "projects:webhook_detail",
        "GET",
        lambda w: reverse(
            "projects:webhook_detail", kwargs={"slug": w.brand.slug, "pk": w.webhook.pk}
        ),
        (302, 404, 404, 404, 404, 404, 200, 200),
    ),
    Route(
        "projects:webhook_test",
        "POST",
        lambda w: reverse(
            "projects:webhook_test", kwargs={"slug": w.brand.slug, "pk": w.webhook.pk}
        ),
        (302, 404, 404, 404, 404, 404, 302, 302),
    ),
    Route(
        "projects:webhook_delete",
        "POST",
        lambda w: reverse(
            "projects:webhook_delete", kwargs={"slug": w.brand.slug, "pk": w.webhook.pk}
        ),
        (302, 404, 404, 404, 404, 404, 302, 302),
    ),
)
# Whole namespaces swept generically (see the tests at the bottom).
SWEPT_NAMESPACES = ("admin", "django_rq", "api")


def all_url_names() -> set[str]:
    def walk(patterns: list[Any], namespace: str) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
                names |= walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.add(":".join(filter(None, [namespace, pattern.name or "<unnamed>"])))
        return names

    return walk(get_resolver().url_patterns, "")


def test_every_url_has_a_row() -> None:
    listed = {route.name for route in ROUTES}
    missing = {
        name
        for name in all_url_names() - listed
        if name.split(":")[0] not in SWEPT_NAMESPACES or ":" not in name
    }
    assert not missing, f"add a row to ROUTES for: {sorted(missing)}"


def data_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for app_label in ("brandkit", "projects")
        for model in apps.get_app_config(app_label).get_models()
    )


def fingerprint() -> str:
    """A digest of every row of the brand library and campaign tables (one query on PostgreSQL,
    which the matrix runs hundreds of times)."""
    if connection.vendor == "postgresql":
        # Table names come from the models' Meta, never from input.
        sql = " UNION ALL ".join(
            f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
            f" FROM {connection.ops.quote_name(table)} t"
            for table in data_tables()
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return repr(cursor.fetchall())
    digest = hashlib.sha256()
    for app_label in ("brandkit", "projects"):
        for model in sorted(apps.get_app_config(app_label).get_models(), key=str):
            rows = model._default_manager.order_by("pk").values_list()
            digest.update(repr((model.__name__, list(rows))).encode())
    return digest.hexdigest()


@pytest.fixture
def worlds(media_root: Any) -> dict[str, Any]:
    own = build_world("Acme", "acme", image_offset=20)
    other = build_world("Bravo", "bravo", image_offset=50)
    users: dict[str, Any] = {
        "anonymous": None,
        "no_brand": UserFactory(username="nobody"),
        "viewer": member(own.brand, MembershipRole.VIEWER, username="acme-viewer"),
        "marketer": member(own.brand, MembershipRole.MARKETER, username="acme-marketer"),
        "reviewer": member(own.brand, MembershipRole.REVIEWER, username="acme-reviewer"),
        "other_admin": other.admin,
        "admin": own.admin,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    return {"own": own, "other": other, "users": users}


def send(user: Any, method: str, path: str, data: dict[str, Any] | None) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "GET":
        return client.get(path).status_code
    return client.post(path, data or {}).status_code


def path_of(route: Route, world: World) -> str:
    return route.path(world) if route.path else reverse(route.name)


def test_each_role_gets_the_expected_status(worlds: dict[str, Any]) -> None:
    own, users = worlds["own"], worlds["users"]
    failures = []
    for route in ROUTES:
        path = path_of(route, own)
        got = {}
        for role in ROLES:
            if role in OUTSIDERS:
                before = fingerprint()
                got[role] = send(users[role], route.method, path, route.data)
                if fingerprint() != before:
                    failures.append(f"{role} changed data with {route.method} {path}")
            else:
                with transaction.atomic():
                    got[role] = send(users[role], route.method, path, route.data)
                    transaction.set_rollback(True)
        actual = tuple(got[role] for role in ROLES)
        if actual != route.expected:
            failures.append(f"{route.method} {route.name}: expected {route.expected}, got {actual}")
    assert not failures, "\n".join(failures)


def test_members_get_404_for_another_brands_objects_and_change_nothing(
    worlds: dict[str, Any],
) -> None:
    failures = []
    for route in ROUTES:
        if route.path is None:
            continue
        path = path_of(route, worlds["other"])
        for role in ("viewer", "marketer", "reviewer", "admin"):
            before = fingerprint()
            status = send(worlds["users"][role], route.method, path, route.data)
            if status != NOT_FOUND:
                failures.append(f"{role}: {route.method} {path} answered {status}")
            if fingerprint() != before:
                failures.append(f"{role} changed brand B with {route.method} {path}")
    assert not failures, "\n".join(failures)


def namespace_patterns(namespace: str) -> list[tuple[str, str, set[str]]]:
    """(name, route, keyword arguments) of every named pattern in a namespace."""
    found = []

    def walk(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                found.append(
                    (pattern.name, str(pattern.pattern), set(pattern.pattern.regex.groupindex))
                )

    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace == namespace:
            walk(resolver.url_patterns)
    return found


def test_queue_dashboard_urls_are_closed_to_everyone_but_superusers(
    worlds: dict[str, Any],
) -> None:
    dummy = {
        "queue_index": 0,
        "job_id": "job",
        "result_id": "result",
        "key": "worker",
        "scheduler_index": 0,
        "connection_index": 0,
        "scheduler_name": "scheduler",
        "cron_job_name": "cron",
        "token": "not-the-token",
    }
    failures = []
    patterns = namespace_patterns("django_rq")
    assert len(patterns) > 10
    for name, _route, kwargs in patterns:
        if name == "home_json":  # two patterns, one name: the token in the path, or not
            paths = ["/django-rq/stats.json", "/django-rq/stats.json/not-the-token/"]
        else:
            paths = [reverse(f"django_rq:{name}", kwargs={key: dummy[key] for key in kwargs})]
        for path, role in itertools.product(
            paths, ("anonymous", "no_brand", "viewer", "other_admin", "admin")
        ):
            for method in ("GET", "POST"):
                status = send(worlds["users"][role], method, path, {})
                if status not in (302, 401, 403, 404, 405):
                    failures.append(f"{role}: {method} {path} answered {status}")
    assert not failures, "\n".join(failures)


def admin_object(model: type, world: World) -> Any:
    """An object of `world`'s brand for an admin URL of `model` (users: the brand's admin)."""
    if model._meta.label_lower == "auth.user":
        return world.admin
    brand_path = getattr(admin.site._registry[model], "brand_path", None)
    if brand_path is None:  # not a brand's data (groups, login attempts): any row will do
        return model._default_manager.first()
    lookup = {"pk": world.brand.pk} if brand_path == "pk" else {brand_path: world.brand}
    return model._default_manager.filter(**lookup).first()


def test_admin_urls_need_staff_and_never_show_or_change_another_brands_objects(
    worlds: dict[str, Any],
) -> None:
    own, users = worlds["own"], worlds["users"]
    failures = []
    patterns = namespace_patterns("admin")
    assert len(patterns) > 30
    for name, _route, kwargs in patterns:
        args: dict[str, Any] = {}
        if "app_label" in kwargs:
            args["app_label"] = "brandkit"
        if name == "view_on_site":
            args.update(content_type_id=ct(Campaign), object_id=own.campaign.pk)
        elif "object_id" in kwargs or "id" in kwargs:
            app_label, model_name = name.split("_")[:2]
            obj = admin_object(apps.get_model(app_label, model_name), own)
            if obj is None:
                continue
            args["id" if "id" in kwargs else "object_id"] = obj.pk
        path = reverse(f"admin:{name}", kwargs=args)
        for role in ("anonymous", "no_brand", "viewer"):
            status = send(users[role], "GET", path, None)
            expected = {200} if name == "login" else {302, 404, 405}
            if status not in expected:
                failures.append(f"{role}: GET {path} answered {status}")
        if args.get("object_id") or args.get("id"):
            client = Client()
            client.force_login(users["other_admin"])
            page = client.get(path)
            if page.status_code == 200 and own.brand.name in page.content.decode():
                failures.append(f"other brand's admin read {path}")
            before = fingerprint()
            client.post(path, {"post": "yes", "name": "Taken over"})
            if fingerprint() != before:
                failures.append(f"other brand's admin changed data with POST {path}")
    assert not failures, "\n".join(failures)


def test_api_urls_answer_nothing_to_anonymous_callers(worlds: dict[str, Any]) -> None:
    """The JSON API has its own per-token scope tests (tests/api/); here every one of its URLs,
    with another brand's ids where it takes one, gives an anonymous caller no data."""
    other = worlds["other"]
    ids = {"pk": other.asset.pk, "number": 1, "id": other.asset.pk}
    failures = []
    patterns = namespace_patterns("api")
    assert len(patterns) > 10
    for name, _route, kwargs in patterns:
        path = reverse(f"api:{name}", kwargs={key: ids.get(key, 1) for key in kwargs})
        for method in ("GET", "POST"):
            status = send(None, method, path, {})
            public = name in {"schema", "docs"} and method == "GET"
            if (status == 200 and not public) or status >= 500:
                failures.append(f"anonymous {method} {path} answered {status}")
    assert not failures, "\n".join(failures)
