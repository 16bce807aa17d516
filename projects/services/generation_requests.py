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
from brandkit.models import PosterTemplate, ReferenceImage, ReferencePack
from brandkit.selectors import brand_role
from brandkit.services.audit import audit_record
from brandkit.services.provider_credentials import provider_overrides
from projects.choices import CampaignStatus, GenerationMode, GenerationStatus
from projects.exceptions import BudgetExceeded, GenerationRefused
from projects.models import AssetVersion, Campaign, Generation, GenerationBatch
from projects.payloads import (
    PromptRuleViolation,
    SlotRule,
    compose_prompt,
    estimate_cost,
    fill_prompt_template,
    find_forbidden_terms,
)
from projects.providers import PROVIDER_NAMES, get_provider
from projects.providers.base import GenerationSpec, ProviderError
from projects.providers.references import REFERENCE_POINTER_PREFIX
from projects.selectors.campaigns import campaign_spend

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

REQUESTER_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER}
MAX_VARIANTS = 20


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


def canonical_json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def payload_digest(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def price_per_image(provider: str) -> Decimal:
    return Decimal(str(settings.PROVIDER_PRICE_PER_IMAGE.get(provider, "0")))


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
    name = generation_input.provider or campaign.brand.default_provider
    if name not in PROVIDER_NAMES:
        raise GenerationRefused(f"Unknown provider {name!r}.", field="provider")
    overrides = provider_overrides(brand=campaign.brand, provider=name)
    try:
        return name, get_provider(name, **overrides)
    except ImproperlyConfigured as exc:
        raise GenerationRefused(str(exc), field="provider") from exc


def _check_budget(campaign: Campaign, estimated: Decimal) -> None:
    committed = campaign_committed_spend(campaign)
    if committed + estimated > campaign.budget:
        raise BudgetExceeded(
            f"This request may cost ${estimated:.2f}; the campaign has ${committed:.2f} spent or "
            f"reserved of its ${campaign.budget:.2f} budget. Raise the budget or ask for fewer "
            "images.",
            field="variants",
        )


def generation_request(
    *, generation_input: GenerationInput, user: AbstractBaseUser
) -> list[Generation]:
    """Check the request against the brand, its packs and templates, the provider's limits and
    the budget; save one queued Generation per variant with its exact payload; enqueue each
    after the transaction commits. Raises GenerationRefused (or BudgetExceeded) with a message
    for the user; nothing is saved or sent then."""
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
            model=generation_input.model or brand.default_model,
            references=tuple(pointers),
            size=generation_input.size,
            max_images=expected_images,
            response_format="b64_json",
            watermark=generation_input.watermark,
            # Variants differ by seed where the provider takes one (the local renderer does).
            seed=base_seed + variant,
        )
        try:
            payloads.append(provider.build_payload(spec))
        except ProviderError as exc:
            raise GenerationRefused(exc.message, field=exc.field or "prompt") from exc
    unit_cost = estimate_cost(
        price_per_image=price_per_image(provider_name), images=expected_images
    )
    with transaction.atomic():
        # Lock the campaign so two requests cannot both fit under the same remaining budget.
        campaign = Campaign.objects.select_for_update().select_related("brand").get(pk=campaign.pk)
        _check_budget(campaign, unit_cost * len(payloads))
        batch = None
        if len(payloads) > 1:
            batch = GenerationBatch.objects.create(
                campaign=campaign,
                label=generation_input.batch_label or f"{len(payloads)} variants: {body[:80]}",
                requested_by=user,
            )
        return [
            _create_generation(
                campaign=campaign,
                batch=batch,
                user=user,
                generation_input=generation_input,
                provider_name=provider_name,
                payload=payload,
                prompt=prompt,
                template=template,
                pack=pack,
                source=source,
                expected_images=expected_images,
                estimated=unit_cost,
            )
            for payload in payloads
        ]


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
) -> Generation:
    from projects.services.generation_runs import enqueue_generation

    generation = Generation(
        campaign=campaign,
        batch=batch,
        mode=generation_input.mode,
        provider=provider_name,
        model=str(payload.get("model", "")),
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
