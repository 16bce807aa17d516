"""Versioned poster templates: canvas, prompt with {slot} variables, text slots and a logo slot."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from brandkit.choices import (
    ColorRole,
    FontRole,
    LogoAnchor,
    LogoVariant,
    TextAlignment,
    TextRendering,
)
from brandkit.models.base import VersionedModel


class PosterTemplate(VersionedModel):
    """One version of a poster layout for a brand.

    `prompt_template` is the prompt with `{slot}` variables a marketer fills; `text_rendering` says
    whether slot text is drawn by Brandkit over the image with the brand fonts (exact) or written
    into the prompt for the model to render. `export_sizes` lists named presets
    (`[{"name": "Instagram", "width": 1080, "height": 1350}]`). Versioning works as for reference
    packs: a published version is immutable; editing makes version n + 1.
    """

    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.PROTECT, related_name="poster_templates"
    )
    description = models.TextField(blank=True)
    canvas_width = models.PositiveIntegerField(default=2048)
    canvas_height = models.PositiveIntegerField(default=2048)
    export_sizes = models.JSONField(default=list, blank=True)
    prompt_template = models.TextField(
        help_text="Prompt with {slot} variables, e.g. 'A poster of {product} on a beach'."
    )
    default_reference_pack = models.ForeignKey(
        "brandkit.ReferencePack",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="poster_templates",
    )
    text_rendering = models.CharField(
        max_length=16, choices=TextRendering.choices, default=TextRendering.OVERLAY
    )
    logo_variant = models.CharField(
        max_length=16, choices=LogoVariant.choices, blank=True, help_text="Blank: no logo."
    )
    logo_box_x = models.PositiveIntegerField(null=True, blank=True)
    logo_box_y = models.PositiveIntegerField(null=True, blank=True)
    logo_box_width = models.PositiveIntegerField(null=True, blank=True)
    logo_box_height = models.PositiveIntegerField(null=True, blank=True)
    logo_anchor = models.CharField(
        max_length=16, choices=LogoAnchor.choices, default=LogoAnchor.CENTER
    )
    safe_inset = models.PositiveIntegerField(
        default=0, help_text="Pixels kept clear along every edge (the safe area)."
    )
    focal_x = models.FloatField(
        default=0.5, help_text="Horizontal focal point of the generated image, 0 (left) to 1."
    )
    focal_y = models.FloatField(
        default=0.5, help_text="Vertical focal point of the generated image, 0 (top) to 1."
    )

    class Meta(VersionedModel.Meta):
        constraints = [
            *VersionedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(canvas_width__gte=16, canvas_height__gte=16),
                name="%(app_label)s_%(class)s_canvas_size",
            ),
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="%(app_label)s_%(class)s_focal_point_range",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("brandkit:poster_template_detail", kwargs={"pk": self.pk})

    @property
    def logo_box(self) -> tuple[int, int, int, int] | None:
        box = (self.logo_box_x, self.logo_box_y, self.logo_box_width, self.logo_box_height)
        if not self.logo_variant or any(value is None for value in box):
            return None
        return box  # type: ignore[return-value]


class TemplateTextSlot(models.Model):
    """A text box on a poster template: where the text goes, in which font and colour role, and
    how much of it fits. Its `key` is also a `{slot}` variable of the prompt template."""

    template = models.ForeignKey(
        "brandkit.PosterTemplate", on_delete=models.CASCADE, related_name="text_slots"
    )
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    box_x = models.PositiveIntegerField()
    box_y = models.PositiveIntegerField()
    box_width = models.PositiveIntegerField()
    box_height = models.PositiveIntegerField()
    font_role = models.CharField(max_length=16, choices=FontRole.choices, default=FontRole.HEADING)
    color_role = models.CharField(max_length=16, choices=ColorRole.choices, default=ColorRole.TEXT)
    alignment = models.CharField(
        max_length=8, choices=TextAlignment.choices, default=TextAlignment.LEFT
    )
    max_characters = models.PositiveIntegerField(default=60)
    min_font_size = models.PositiveIntegerField(default=24)
    max_font_size = models.PositiveIntegerField(default=96)
    max_lines = models.PositiveSmallIntegerField(default=3)
    rendering = models.CharField(
        max_length=16,
        choices=TextRendering.choices,
        blank=True,
        help_text="Blank: the template's text rendering.",
    )

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "key"], name="%(app_label)s_%(class)s_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(min_font_size__lte=models.F("max_font_size")),
                name="%(app_label)s_%(class)s_font_size_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_lines__gte=1), name="%(app_label)s_%(class)s_max_lines"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} slot {self.key}"

    @property
    def effective_rendering(self) -> str:
        return self.rendering or self.template.text_rendering
