"""Queue generations: check every rule, build the exact payload, save, enqueue after commit."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from brandkit.choices import AuditVerb, BrandStatus, MembershipRole, VersionStatus
from brandkit.compositing import TextDoesNotFit
from brandkit.models import PosterTemplate, ReferenceImage, ReferencePack
from brandkit.selectors import brand_model_mappings, brand_role
from brandkit.services.audit import audit_record
from brandkit.services.poster_layouts import slot_values_fit
from brandkit.services.poster_templates import prompt_variables
from brandkit.services.provider_credentials import provider_overrides
from projects.choices import CampaignStatus, GenerationMode, GenerationStatus
from projects.exceptions import BudgetExceeded, GenerationRefused
from projects.models import AssetVersion, Campaign, Generation, GenerationBatch
from projects.payloads import (
    PromptRuleViolation,
    SlotRule,
    compose_prompt,
    fill_prompt_template,
    find_forbidden_terms,
)
from projects.pricing import PriceBasis, generation_cost, price_basis
from projects.providers import PROVIDER_NAMES, get_provider
from projects.providers.base import GenerationSpec, InvalidSpec, ProviderError
from projects.providers.catalog import resolve_model
from projects.providers.model_rules import check_reference_image
from projects.providers.references import REFERENCE_POINTER_PREFIX
from projects.selectors.campaigns import campaign_spend

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

REQUESTER_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER}
MAX_VARIANTS = 20
# A provider's refusal names a GenerationSpec field; the user knows the request's.
SPEC_TO_INPUT_FIELDS = {"max_images": "group_size", "references": "reference_images"}


@dataclass(frozen=True)
class GenerationInput:
    """What a marketer asks for, in the form's words (ids, not objects)."""

    campaign_id: int
    mode: str = GenerationMode.TEXT_TO_IMAGE
    prompt: str = ""
    poster_template_id: int | None = None
    slot_values: Mapping[str, str] = field(default_factory=dict)
    reference_pack_id: int | None = None
    reference_image_ids: tuple[int, ...] = ()
    source_version_id: int | None = None
    size: str = "2K"
    group_size: int = 1
    variants: int = 1
    provider: str = ""
    model: str = ""
    watermark: bool = True
    seed: int | None = None
    batch_label: str = ""
    output_format: str = ""
    background: str = ""


def canonical_json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_digest(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def campaign_committed_spend(campaign: Campaign) -> Decimal:
    """What the campaign has spent plus what its queued and running generations may still cost."""
    spend = campaign_spend(campaign=campaign)
    return spend.spent + spend.reserved


def _load_campaign(generation_input: GenerationInput, user: AbstractBaseUser) -> Campaign:
    campaign = Campaign.objects.select_related("brand").get(pk=generation_input.campaign_id)
    if brand_role(user=user, brand=campaign.brand) not in REQUESTER_ROLES:
        raise GenerationRefused(f"Only marketers and admins of {campaign.brand} can generate.")
    if campaign.brand.status != BrandStatus.PUBLISHED:
        raise GenerationRefused(f"{campaign.brand} is a draft brand; publish it first.")
    if campaign.status == CampaignStatus.ARCHIVED:
        raise GenerationRefused(f"{campaign} is archived; it takes no new work.")
    return campaign


def _template_prompt(
    generation_input: GenerationInput, campaign: Campaign
) -> tuple[PosterTemplate | None, str]:
    if generation_input.poster_template_id is None:
        if not generation_input.prompt.strip():
            raise GenerationRefused("Write a prompt or pick a poster template.", field="prompt")
        return None, generation_input.prompt
    template = (
        PosterTemplate.objects.filter(
            pk=generation_input.poster_template_id,
            brand=campaign.brand,
            status=VersionStatus.PUBLISHED,
        )
        .prefetch_related("text_slots")
        .first()
    )
    if template is None:
        raise GenerationRefused(
            "Pick a published poster template of this brand.", field="poster_template"
        )
    slots = [SlotRule(s.key, s.label, s.max_characters) for s in template.text_slots.all()]
    try:
        body = fill_prompt_template(template.prompt_template, generation_input.slot_values, slots)
    except PromptRuleViolation as exc:
        raise GenerationRefused(exc.message, field=exc.field) from exc
    used = set(prompt_variables(template.prompt_template))
    for slot in template.text_slots.all():
        value = " ".join(str(generation_input.slot_values.get(slot.key, "")).split())
        if slot.key not in used and len(value) > slot.max_characters:
            raise GenerationRefused(
                f"“{slot.label}” has {len(value)} characters; the template allows "
                f"{slot.max_characters}.",
                field=f"slot_{slot.key}",
            )
    try:
        slot_values_fit(template=template, values=generation_input.slot_values)
    except TextDoesNotFit as exc:
        raise GenerationRefused(exc.message, field=f"slot_{exc.key}") from exc
    extra = generation_input.prompt.strip()
    return template, f"{body}. {extra}" if extra else body


def _references(
    generation_input: GenerationInput, campaign: Campaign, template: PosterTemplate | None
) -> tuple[ReferencePack | None, AssetVersion | None, list[str]]:
    """The pointers to send, in order: the edited version first, then pack, then single images."""
    pointers: list[str] = []
    source = None
    if generation_input.mode == GenerationMode.EDIT:
        source = AssetVersion.objects.filter(
            pk=generation_input.source_version_id, asset__campaign=campaign
        ).first()
        if source is None:
            raise GenerationRefused(
                "Pick a version of this campaign to edit.", field="source_version"
            )
        pointers.append(REFERENCE_POINTER_PREFIX + source.image_sha256)
    pack_id = generation_input.reference_pack_id
    if pack_id is None and template is not None:
        pack_id = template.default_reference_pack_id
    pack = None
    if pack_id is not None:
        pack = ReferencePack.objects.filter(
            pk=pack_id, brand=campaign.brand, status=VersionStatus.PUBLISHED
        ).first()
        if pack is None:
            raise GenerationRefused(
                "Pick a published reference pack of this brand.", field="reference_pack"
            )
        pointers += [
            REFERENCE_POINTER_PREFIX + sha for sha in pack.images.values_list("sha256", flat=True)
        ]
    if generation_input.reference_image_ids:
        images = ReferenceImage.objects.filter(
            pk__in=generation_input.reference_image_ids,
            pack__brand=campaign.brand,
            pack__status=VersionStatus.PUBLISHED,
        ).in_bulk()
        missing = set(generation_input.reference_image_ids) - set(images)
        if missing:
            raise GenerationRefused(
                "Reference images must come from published packs of this brand.",
                field="reference_images",
            )
        for image_id in generation_input.reference_image_ids:
            pointer = REFERENCE_POINTER_PREFIX + images[image_id].sha256
            if pointer not in pointers:
                pointers.append(pointer)
    return pack, source, pointers


def _provider_for(generation_input: GenerationInput, campaign: Campaign) -> tuple[str, Any]:
    """The provider to use, built for the request's model, else the brand's default model, else
    the brand's provider override or the settings' model (fal picks its endpoint from it)."""
    name = generation_input.provider or campaign.brand.default_provider
    if name not in PROVIDER_NAMES:
        raise GenerationRefused(f"Unknown provider {name!r}.", field="provider")
    overrides = provider_overrides(brand=campaign.brand, provider=name)
    chosen_model = generation_input.model or campaign.brand.default_model
    if chosen_model:
        overrides["model"] = chosen_model
    try:
        return name, get_provider(name, **overrides)
    except ImproperlyConfigured as exc:
        raise GenerationRefused(str(exc), field="provider") from exc


def _check_reference_images(pointers: list[str], campaign: Campaign, model: Any) -> None:
    """Each stored reference against the model's per-file limits (a pack image may be fine for
    one model and too long or too large for another); URLs are the provider's to check."""
    wanted = [p.removeprefix(REFERENCE_POINTER_PREFIX) for p in pointers]
    sizes: dict[str, tuple[int, int, int | None, str]] = {}
    for sha, width, height, position, pack in ReferenceImage.objects.filter(
        sha256__in=wanted, pack__brand=campaign.brand
    ).values_list("sha256", "width", "height", "position", "pack__name"):
        sizes.setdefault(sha, (width, height, None, f"Reference {position + 1} of {pack}"))
    for sha, width, height, byte_size, number in AssetVersion.objects.filter(
        image_sha256__in=wanted, asset__campaign=campaign
    ).values_list("image_sha256", "width", "height", "byte_size", "number"):
        sizes[sha] = (width, height, byte_size, f"Version {number}")
    for sha in wanted:
        if sha not in sizes:
            continue
        width, height, byte_size, name = sizes[sha]
        try:
            check_reference_image(model, width=width, height=height, byte_size=byte_size, name=name)
        except InvalidSpec as exc:
            raise GenerationRefused(exc.message, field="reference_images") from exc


def _check_budget(campaign: Campaign, estimated: Decimal) -> None:
    committed = campaign_committed_spend(campaign)
    if committed + estimated > campaign.budget:
        raise BudgetExceeded(
            f"This request may cost ${estimated:.2f}; the campaign has ${committed:.2f} spent or "
            f"reserved of its ${campaign.budget:.2f} budget. Raise the budget or ask for fewer "
            "images.",
            field="variants",
        )


@dataclass(frozen=True)
class PreparedRequest:
    """A request that passed every check, with its payloads built; nothing saved yet."""

    generation_input: GenerationInput
    campaign: Campaign
    template: PosterTemplate | None
    pack: ReferencePack | None
    source: AssetVersion | None
    provider_name: str
    payloads: tuple[dict[str, Any], ...]
    prompt: str
    body: str
    expected_images: int
    unit_cost: Decimal
    model_id: str
    basis: PriceBasis

    @property
    def total_cost(self) -> Decimal:
        return self.unit_cost * len(self.payloads)


def generation_prepare(
    *, generation_input: GenerationInput, user: AbstractBaseUser
) -> PreparedRequest:
    """Check the request against the brand, its packs and templates and the provider's limits,
    and build its payloads, saving nothing. Raises GenerationRefused with a message for the
    user. (The budget is checked when saving, under the campaign lock.)"""
    if not 1 <= generation_input.variants <= MAX_VARIANTS:
        raise GenerationRefused(f"Ask for 1 to {MAX_VARIANTS} variants.", field="variants")
    campaign = _load_campaign(generation_input, user)
    template, body = _template_prompt(generation_input, campaign)
    brand = campaign.brand
    forbidden = find_forbidden_terms(
        [body, *generation_input.slot_values.values()], brand.forbidden_term_list
    )
    if forbidden:
        raise GenerationRefused(
            f"{brand} does not allow these terms: {', '.join(forbidden)}.", field="prompt"
        )
    prompt = compose_prompt(body=body, prefix=brand.prompt_prefix, suffix=brand.prompt_suffix)
    pack, source, pointers = _references(generation_input, campaign, template)
    provider_name, provider = _provider_for(generation_input, campaign)
    model_id = (
        provider.default_model
        if provider_name != "local"
        else (generation_input.model or brand.default_model)
    )
    mappings = brand_model_mappings(brand=brand)
    is_group = generation_input.mode == GenerationMode.GROUP
    expected_images = generation_input.group_size if is_group else 1
    base_seed = (
        generation_input.seed
        if generation_input.seed is not None
        else secrets.randbelow(2**31 - 64)
    )
    payloads = []
    for variant in range(generation_input.variants):
        spec = GenerationSpec(
            prompt=prompt,
            model=model_id,
            rules_model=mappings.get(model_id, ""),
            references=tuple(pointers),
            size=generation_input.size,
            max_images=expected_images,
            response_format="b64_json",
            watermark=generation_input.watermark,
            output_format=generation_input.output_format,
            background=generation_input.background,
            # Variants differ by seed where the provider takes one (the local renderer does).
            seed=base_seed + variant,
        )
        try:
            payloads.append(provider.build_payload(spec))
        except ProviderError as exc:
            field = SPEC_TO_INPUT_FIELDS.get(exc.field, exc.field) or "prompt"
            raise GenerationRefused(exc.message, field=field) from exc
    basis = price_basis(
        provider=provider_name,
        model_id=model_id,
        size=generation_input.size,
        references=len(pointers),
        mappings=mappings,
    )
    if provider_name != "local":
        _check_reference_images(pointers, campaign, resolve_model(model_id, mappings))
    unit_cost = generation_cost(basis, images=expected_images)
    return PreparedRequest(
        generation_input=generation_input,
        campaign=campaign,
        template=template,
        pack=pack,
        source=source,
        provider_name=provider_name,
        payloads=tuple(payloads),
        prompt=prompt,
        body=body,
        expected_images=expected_images,
        unit_cost=unit_cost,
        model_id=model_id,
        basis=basis,
    )


def generations_save(
    *,
    prepared: list[PreparedRequest],
    user: AbstractBaseUser,
    batch_label: str = "",
) -> list[Generation]:
    """Save prepared requests of one campaign as queued generations (one batch when more than
    one), after checking their total against the budget under the campaign lock; enqueue each
    after the commit. Raises BudgetExceeded; nothing is saved then."""
    total = sum((request.total_cost for request in prepared), Decimal("0"))
    count = sum(len(request.payloads) for request in prepared)
    with transaction.atomic():
        # Lock the campaign so two requests cannot both fit under the same remaining budget.
        campaign = (
            Campaign.objects.select_for_update()
            .select_related("brand")
            .get(pk=prepared[0].campaign.pk)
        )
        _check_budget(campaign, total)
        batch = None
        if count > 1:
            first = prepared[0]
            batch = GenerationBatch.objects.create(
                campaign=campaign,
                label=batch_label
                or first.generation_input.batch_label
                or f"{count} variants: {first.body[:80]}",
                requested_by=user,
            )
        return [
            _create_generation(
                campaign=campaign,
                batch=batch,
                user=user,
                generation_input=request.generation_input,
                provider_name=request.provider_name,
                payload=payload,
                prompt=request.prompt,
                template=request.template,
                pack=request.pack,
                source=request.source,
                expected_images=request.expected_images,
                estimated=request.unit_cost,
                model_id=request.model_id,
                basis=request.basis,
            )
            for request in prepared
            for payload in request.payloads
        ]


def generation_request(
    *, generation_input: GenerationInput, user: AbstractBaseUser
) -> list[Generation]:
    """Check the request against the brand, its packs and templates, the provider's limits and
    the budget; save one queued Generation per variant with its exact payload; enqueue each
    after the transaction commits. Raises GenerationRefused (or BudgetExceeded) with a message
    for the user; nothing is saved or sent then."""
    prepared = generation_prepare(generation_input=generation_input, user=user)
    return generations_save(prepared=[prepared], user=user)


def audit_generation(
    generation: Generation, verb: AuditVerb, *, actor: AbstractBaseUser | None = None
) -> None:
    """One audit line for a generation state change; call inside the change's transaction."""
    audit_record(
        brand_id=generation.campaign.brand_id,
        verb=verb,
        subject=generation,
        actor=actor,
        campaign_id=generation.campaign_id,
        data={
            "provider": generation.provider,
            "attempts": generation.attempts,
            "status": generation.status,
            "error": generation.error_message[:500],
        },
    )


def _create_generation(
    *,
    campaign: Campaign,
    batch: GenerationBatch | None,
    user: AbstractBaseUser,
    generation_input: GenerationInput,
    provider_name: str,
    payload: dict[str, Any],
    prompt: str,
    template: PosterTemplate | None,
    pack: ReferencePack | None,
    source: AssetVersion | None,
    expected_images: int,
    estimated: Decimal,
    model_id: str,
    basis: PriceBasis,
) -> Generation:
    from projects.services.generation_runs import enqueue_generation

    generation = Generation(
        campaign=campaign,
        batch=batch,
        mode=generation_input.mode,
        provider=provider_name,
        model=str(payload.get("model") or model_id),
        poster_template=template,
        reference_pack=pack,
        source_version=source,
        slot_values=dict(generation_input.slot_values),
        prompt=prompt,
        parameters={
            "size": generation_input.size,
            "group_size": expected_images,
            "watermark": generation_input.watermark,
            "seed": payload.get("seed"),
            "output_format": generation_input.output_format,
            "background": generation_input.background,
            "price_basis": basis.as_record(),
        },
        payload=payload,
        payload_sha256=payload_digest(payload),
        expected_images=expected_images,
        status=GenerationStatus.QUEUED,
        max_attempts=settings.GENERATION_MAX_ATTEMPTS,
        estimated_cost=estimated,
        queued_at=timezone.now(),
        requested_by=user,
    )
    generation.full_clean()
    generation.save()
    audit_generation(generation, AuditVerb.GENERATION_QUEUED, actor=user)
    enqueue_generation(generation)
    return generation
