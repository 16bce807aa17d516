"""Reference pack pages: every member sees a pack and its versions; brand admins create packs,
publish drafts and start version n + 1 of a published pack (editing a draft's images is in
`reference_pack_images`).

Non-members get 404 everywhere (the pack's existence is not revealed); members without the admin
role get 403 on every write. Domain errors become messages or inline errors, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from brandkit.choices import MembershipRole, VersionStatus
from brandkit.exceptions import BrandkitError
from brandkit.forms import (
    ReferenceImageCaptionForm,
    ReferenceImageUploadForm,
    ReferencePackCreateForm,
)
from brandkit.models import MAX_IMAGES_PER_PACK, ReferenceImage, ReferencePack
from brandkit.selectors import brand_role, reference_pack_get_for_user, reference_pack_versions
from brandkit.services.reference_packs import (
    reference_pack_create,
    reference_pack_new_version,
    reference_pack_publish,
)
from brandkit.views.brands import brand_get_or_404, render_brand_detail


@dataclass(frozen=True)
class UploadOutcome:
    """What became of one uploaded file: saved as `image`, or refused with `message`."""

    filename: str
    image: ReferenceImage | None = None
    message: str = ""

    @property
    def is_saved(self) -> bool:
        return self.image is not None


def pack_or_404(request: HttpRequest, pk: int) -> ReferencePack:
    try:
        return reference_pack_get_for_user(pk=pk, user=request.user)
    except ReferencePack.DoesNotExist as exc:
        raise Http404("No such reference pack.") from exc


def pack_for_admin(request: HttpRequest, pk: int) -> ReferencePack:
    pack = pack_or_404(request, pk)
    if brand_role(user=request.user, brand=pack.brand) != MembershipRole.ADMIN:
        raise PermissionDenied("Only the brand's admins can change its reference packs.")
    return pack


def image_of(pack: ReferencePack, image_pk: int) -> ReferenceImage:
    return get_object_or_404(ReferenceImage, pk=image_pk, pack=pack)


def caption_prefix(image: ReferenceImage) -> str:
    return f"image-{image.pk}"


def _caption_rows(
    images: list[ReferenceImage], bound: tuple[int, ReferenceImageCaptionForm] | None
) -> list[tuple[ReferenceImage, ReferenceImageCaptionForm]]:
    """Each image with its caption form: the bound one (typed value, errors) where given."""
    rows = []
    for image in images:
        if bound is not None and bound[0] == image.pk:
            rows.append((image, bound[1]))
        else:
            initial = {"caption": image.caption}
            rows.append(
                (image, ReferenceImageCaptionForm(initial=initial, prefix=caption_prefix(image)))
            )
    return rows


def render_pack(
    request: HttpRequest,
    pack: ReferencePack,
    *,
    upload_form: ReferenceImageUploadForm | None = None,
    upload_outcomes: Iterable[UploadOutcome] = (),
    caption_form: tuple[int, ReferenceImageCaptionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The pack page. The bound forms passed in are shown with what the user typed and errors."""
    is_admin = brand_role(user=request.user, brand=pack.brand) == MembershipRole.ADMIN
    images = list(pack.images.all())
    versions = list(reference_pack_versions(pack=pack))
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    places_left = max(0, MAX_IMAGES_PER_PACK - len(images))
    upload_form = upload_form or ReferenceImageUploadForm()
    upload_form.fields["images"].help_text = (
        f"PNG, JPEG or WebP, up to {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB each. "
        f"Choose several at once; {places_left} of {MAX_IMAGES_PER_PACK} places left."
    )
    outcomes = list(upload_outcomes)
    saved_count = sum(1 for outcome in outcomes if outcome.is_saved)
    context = {
        "pack": pack,
        "rows": _caption_rows(images, caption_form),
        "versions": versions,
        "is_admin": is_admin,
        "can_edit": is_admin and pack.is_editable,
        "draft": draft,
        "next_version": max(v.version for v in versions) + 1,
        "places_left": places_left,
        "max_images": MAX_IMAGES_PER_PACK,
        "upload_form": upload_form,
        "upload_outcomes": outcomes,
        "saved_count": saved_count,
        "refused_count": len(outcomes) - saved_count,
    }
    return render(request, "brandkit/reference_pack_detail.html", context, status=status)


def back_to(pack: ReferencePack, anchor: str = "images") -> HttpResponse:
    return redirect(f"{pack.get_absolute_url()}#{anchor}")


@login_required
def reference_pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_pack(request, pack_or_404(request, pk))


@login_required
@require_POST
def reference_pack_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    brand = brand_get_or_404(request, slug)
    if brand_role(user=request.user, brand=brand) != MembershipRole.ADMIN:
        raise PermissionDenied("Only the brand's admins can add reference packs.")
    form = ReferencePackCreateForm(request.POST)
    if form.is_valid():
        try:
            pack = reference_pack_create(brand=brand, **form.cleaned_data)
        except ValidationError as exc:
            _add_create_errors(form, exc)
        else:
            messages.success(request, f"Created {pack}. Add its images, then publish it.")
            return redirect(pack.get_absolute_url())
    return render_brand_detail(request, brand, pack_form=form, status=400)


def _add_create_errors(form: ReferencePackCreateForm, error: ValidationError) -> None:
    """Show the service's model validation on the form.

    Errors not tied to a field come from the pack's constraints on (brand, name): the name is
    taken, by a published version or by an open draft. Say that once, next to the name.
    """
    errors = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error}
    for field, items in errors.items():
        if field == NON_FIELD_ERRORS:
            form.add_error("name", "This brand already has a reference pack with this name.")
        else:
            form.add_error(field if field in form.fields else None, items)


@login_required
@require_POST
def reference_pack_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing cannot be undone, so the first POST (the pack page's button) only asks; the
    confirmation page posts again with `confirm=yes`. A page, not a JS dialog: it works without
    scripts and needs no inline code under the CSP."""
    pack = pack_for_admin(request, pk)
    if request.POST.get("confirm") != "yes":
        context = {"pack": pack, "image_count": pack.images.count()}
        return render(request, "brandkit/reference_pack_publish_confirm.html", context)
    try:
        published = reference_pack_publish(pack=pack, user=request.user)
    except BrandkitError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Published {published}. Generations can use it now; it will not change."
        )
    return redirect(pack.get_absolute_url())


@login_required
@require_POST
def reference_pack_new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    pack = pack_for_admin(request, pk)
    draft = reference_pack_new_version(pack=pack)
    if draft.pk == pack.pk:
        messages.info(request, f"{pack} is already a draft; edit it here.")
    elif draft.derived_from_id == pack.pk:
        messages.success(request, f"Editing {draft}, a draft copied from v{pack.version}.")
    else:
        messages.info(request, f"{draft} was already being edited; carry on there.")
    return redirect(draft.get_absolute_url())
