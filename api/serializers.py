"""What the API reads and writes. Serializers only shape data; every write goes to a service."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from brandkit.choices import ColorRole, FontRole, PackPurpose, TextAlignment
from brandkit.models import (
    AuditEvent,
    Brand,
    PosterTemplate,
    ReferenceImage,
    ReferencePack,
    TemplateTextSlot,
)
from projects.choices import Channel, Decision, GenerationMode
from projects.models import Asset, AssetVersion, Campaign, Generation, GenerationBatch, Review
from projects.providers import PROVIDER_NAMES
from projects.services.generation_requests import MAX_VARIANTS


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a machine-readable code, a message for people, the offending field."""

    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    errors = serializers.JSONField(required=False)


class BrandSerializer(serializers.ModelSerializer):
    class Meta:
        model = Brand
        fields = [
            "id",
            "slug",
            "name",
            "status",
            "guidelines",
            "voice",
            "prompt_prefix",
            "prompt_suffix",
            "forbidden_terms",
            "default_provider",
            "default_model",
            "created_at",
        ]


class ReferenceImageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferenceImage
        fields = ["id", "position", "sha256", "width", "height", "format", "caption"]


class ReferencePackSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    images = ReferenceImageSerializer(many=True, read_only=True)

    class Meta:
        model = ReferencePack
        fields = [
            "id",
            "brand",
            "name",
            "version",
            "status",
            "purpose",
            "description",
            "published_at",
            "created_at",
            "images",
        ]


class ReferencePackCreateSerializer(serializers.Serializer):
    brand = serializers.SlugField(help_text="Brand slug")
    name = serializers.CharField(max_length=120)
    purpose = serializers.ChoiceField(choices=PackPurpose.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ReferenceImageUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A JPEG, PNG or WebP image")
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class TextSlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = TemplateTextSlot
        fields = ["key", "label", "position", "max_characters", "font_role", "color_role"]


class TextSlotWriteSerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=40)
    label = serializers.CharField(max_length=80)
    position = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    box_x = serializers.IntegerField(min_value=0, max_value=20000)
    box_y = serializers.IntegerField(min_value=0, max_value=20000)
    box_width = serializers.IntegerField(min_value=1, max_value=20000)
    box_height = serializers.IntegerField(min_value=1, max_value=20000)
    max_characters = serializers.IntegerField(min_value=1, max_value=2000, default=60)
    font_role = serializers.ChoiceField(choices=FontRole.choices, default=FontRole.HEADING)
    color_role = serializers.ChoiceField(choices=ColorRole.choices, default=ColorRole.TEXT)
    alignment = serializers.ChoiceField(choices=TextAlignment.choices, default=TextAlignment.LEFT)


class PosterTemplateCreateSerializer(serializers.Serializer):
    """A draft template and its text slots, made in one go (all or nothing)."""

    brand = serializers.SlugField(help_text="Brand slug")
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    prompt_template = serializers.CharField(
        max_length=4000, help_text="Text with one {key} per slot, e.g. 'A poster of {product}'."
    )
    canvas_width = serializers.IntegerField(min_value=64, max_value=20000, default=2048)
    canvas_height = serializers.IntegerField(min_value=64, max_value=20000, default=2048)
    slots = TextSlotWriteSerializer(many=True, required=False, default=list)


class PosterTemplateSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    text_slots = TextSlotSerializer(many=True, read_only=True)

    class Meta:
        model = PosterTemplate
        fields = [
            "id",
            "brand",
            "name",
            "version",
            "status",
            "description",
            "canvas_width",
            "canvas_height",
            "prompt_template",
            "default_reference_pack",
            "published_at",
            "created_at",
            "text_slots",
        ]


class CampaignSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owner = serializers.CharField(source="owner.get_username", read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "brand",
            "name",
            "brief",
            "channels",
            "budget",
            "status",
            "owner",
            "due_date",
            "created_at",
            "updated_at",
        ]


class CampaignWriteSerializer(serializers.Serializer):
    """Fields a client may set; `brand` (a slug) only when creating."""

    brand = serializers.SlugField(required=False)
    name = serializers.CharField(max_length=160, required=False)
    brief = serializers.CharField(required=False, allow_blank=True)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False
    )
    budget = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[("draft", "Draft"), ("active", "Active"), ("completed", "Completed")],
        required=False,
    )


class GenerationSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Generation
        fields = [
            "id",
            "campaign",
            "batch",
            "mode",
            "provider",
            "model",
            "status",
            "progress",
            "prompt",
            "slot_values",
            "parameters",
            "poster_template",
            "reference_pack",
            "source_version",
            "expected_images",
            "attempts",
            "max_attempts",
            "not_before",
            "error_kind",
            "error_message",
            "estimated_cost",
            "cost",
            "queued_at",
            "started_at",
            "finished_at",
            "created_at",
            "versions",
        ]

    @extend_schema_field(OpenApiTypes.INT)
    def get_progress(self, generation: Generation) -> int:
        """Percent done: queued 5, running 50, finished 100."""
        return {"queued": 5, "running": 50}.get(generation.status, 100)

    @extend_schema_field({"type": "array", "items": {"type": "object"}})
    def get_versions(self, generation: Generation) -> list[dict[str, int]]:
        return [
            {"id": version.pk, "asset": version.asset_id, "number": version.number}
            for version in generation.versions.all()
        ]


# Ids beyond the database's bigint cannot exist; refusing them here keeps them out of queries.
MAX_ID = 2**63 - 1


class GenerationCreateSerializer(serializers.Serializer):
    """One generation request, in the web form's terms. `variants` > 1 makes a batch."""

    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    mode = serializers.ChoiceField(
        choices=GenerationMode.choices, default=GenerationMode.TEXT_TO_IMAGE
    )
    prompt = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    poster_template = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    slot_values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000), required=False, default=dict
    )
    reference_pack = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    reference_images = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=14,
    )
    source_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    size = serializers.CharField(required=False, default="2K", max_length=16)
    group_size = serializers.IntegerField(required=False, default=1, min_value=1, max_value=15)
    variants = serializers.IntegerField(
        required=False, default=1, min_value=1, max_value=MAX_VARIANTS
    )
    provider = serializers.ChoiceField(
        choices=[(name, name) for name in PROVIDER_NAMES],
        required=False,
        allow_blank=True,
        default="",
    )
    model = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)
    watermark = serializers.BooleanField(required=False, default=True)
    seed = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=2**31 - 1
    )
    batch_label = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=160
    )


class GenerationListResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField(allow_null=True)
    generations = GenerationSerializer(many=True)


class BatchSerializer(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()
    generations = serializers.SerializerMethodField()

    class Meta:
        model = GenerationBatch
        fields = ["id", "campaign", "label", "created_at", "counts", "generations"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_counts(self, batch: GenerationBatch) -> dict[str, int]:
        counts = {"total": 0, "queued": 0, "running": 0, "succeeded": 0, "partial": 0}
        counts.update({"failed": 0, "canceled": 0})
        for generation in batch.generations.all():
            counts["total"] += 1
            counts[generation.status] = counts.get(generation.status, 0) + 1
        counts["finished"] = counts["total"] - counts["queued"] - counts["running"]
        return counts

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_generations(self, batch: GenerationBatch) -> list[int]:
        return [generation.pk for generation in batch.generations.all()]


class ControlResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class AssetVersionSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = AssetVersion
        fields = [
            "id",
            "number",
            "generation",
            "parent",
            "image_sha256",
            "content_type",
            "width",
            "height",
            "byte_size",
            "created_at",
            "download",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download(self, version: AssetVersion) -> str:
        path = reverse(
            "api:asset-version-download", kwargs={"pk": version.asset_id, "number": version.number}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AssetSerializer(serializers.ModelSerializer):
    versions = AssetVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "campaign",
            "title",
            "review_status",
            "latest_version",
            "approved_version",
            "submitted_version",
            "review_round",
            "current_step",
            "submitted_at",
            "created_at",
            "versions",
        ]


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The version number to submit."
    )


class DecideSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The version number you looked at (must be the one in review).",
    )
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReviewSerializer(serializers.ModelSerializer):
    decided_by = serializers.CharField(source="decided_by.get_username", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "asset",
            "version",
            "version_number",
            "round",
            "step_position",
            "step_name",
            "decision",
            "comment",
            "decided_by",
            "decided_at",
        ]


class AuditEventSerializer(serializers.ModelSerializer):
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "brand",
            "actor",
            "verb",
            "object_type",
            "object_id",
            "object_repr",
            "campaign_id",
            "asset_id",
            "version_id",
            "data",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor.get_username() if event.actor else None


class ProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    model = serializers.CharField()
    configured = serializers.BooleanField()
    price_per_image = serializers.CharField()
    modes = serializers.ListField(child=serializers.CharField())


def as_data(serializer_class: type[serializers.Serializer], obj: Any, **context: Any) -> Any:
    return serializer_class(obj, context=context).data


class ModelPriceSerializer(serializers.Serializer):
    size = serializers.CharField()
    per_image = serializers.CharField(help_text="USD per output image at this size preset.")


class ModelSerializer(serializers.Serializer):
    """One model of the model table (projects.providers.catalog) with its prices as billed."""

    id = serializers.CharField(source="model.id")
    label = serializers.CharField(source="model.label")
    aliases = serializers.ListField(child=serializers.CharField(), source="model.aliases")
    api_shape = serializers.CharField(source="model.api_shape")
    size_presets = serializers.ListField(child=serializers.CharField(), source="model.size_presets")
    default_size = serializers.CharField(source="model.default_size")
    min_pixels = serializers.IntegerField(source="model.min_pixels")
    max_pixels = serializers.IntegerField(source="model.max_pixels")
    min_aspect = serializers.FloatField(source="model.min_aspect")
    max_aspect = serializers.FloatField(source="model.max_aspect")
    max_references = serializers.IntegerField(source="model.max_references")
    max_outputs = serializers.IntegerField(source="model.max_outputs")
    max_references_plus_outputs = serializers.IntegerField(
        source="model.max_references_plus_outputs", allow_null=True
    )
    makes_groups = serializers.BooleanField(source="model.makes_groups")
    output_formats = serializers.ListField(
        child=serializers.CharField(), source="model.output_formats"
    )
    backgrounds = serializers.ListField(child=serializers.CharField(), source="model.backgrounds")
    max_prompt_characters = serializers.IntegerField(source="model.max_prompt_characters")
    reference_formats = serializers.ListField(
        child=serializers.CharField(), source="model.reference_formats"
    )
    prices = serializers.SerializerMethodField()
    per_reference = serializers.CharField(help_text="USD per billed reference image.")
    reference_note = serializers.CharField(help_text="Which references are billed.")
    source = serializers.CharField(source="model.source")

    @extend_schema_field(ModelPriceSerializer(many=True))
    def get_prices(self, row: Any) -> list[dict[str, str]]:
        return [{"size": size, "per_image": price} for size, price in row.prices]


class CsvBatchUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The CSV: the template's slot keys as columns, "
        "optionally variants, size and references; one row per poster."
    )
    poster_template = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="A published poster template of the brand."
    )
    label = serializers.CharField(required=False, allow_blank=True, default="", max_length=160)


class CsvProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The CSV line (1 is the header).")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class CsvBatchErrorSerializer(ErrorSerializer):
    errors = CsvProblemSerializer(many=True)
