"""Brands and what defines them: palette, fonts, logos, and who may work on them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from brandkit.choices import (
    BrandStatus,
    ColorRole,
    FontRole,
    LogoVariant,
    MembershipRole,
    ProviderName,
)
from brandkit.models.base import TimeStampedModel

hex_color_validator = RegexValidator(
    r"^#[0-9A-F]{6}$", "Enter a colour as #RRGGBB with upper-case hex digits, e.g. #0A3D62."
)


class Brand(TimeStampedModel):
    """A brand whose imagery Brandkit keeps consistent.

    Holds the written guidelines and the prompt rules added to every generation (prefix, suffix,
    forbidden terms), and the provider and model used unless a request names another. Only members
    see a brand; a draft brand is visible to its admins while it is being set up.
    """

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    status = models.CharField(max_length=16, choices=BrandStatus.choices, default=BrandStatus.DRAFT)
    guidelines = models.TextField(blank=True, help_text="What on-brand means, in words.")
    voice = models.TextField(blank=True, help_text="Tone of voice for copy in poster text slots.")
    prompt_prefix = models.TextField(
        blank=True, help_text="Style descriptor put before every prompt."
    )
    prompt_suffix = models.TextField(
        blank=True, help_text="Style descriptor put after every prompt."
    )
    forbidden_terms = models.TextField(
        blank=True,
        help_text="One term per line. A prompt or slot value containing one is refused.",
    )
    default_provider = models.CharField(
        max_length=16, choices=ProviderName.choices, default=ProviderName.LOCAL
    )
    default_model = models.CharField(
        max_length=120, blank=True, help_text="Blank: the provider's configured default model."
    )
    check_palette_delta_e = models.FloatField(
        default=12.0,
        help_text="Brand checks: CIEDE2000 distance within which a pixel counts as a brand colour.",
    )
    check_palette_min_share = models.FloatField(
        default=0.6,
        help_text="Brand checks: share of pixels (0 to 1) that must be brand colours to pass.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    check_palette_delta_e__gte=0,
                    check_palette_min_share__gte=0,
                    check_palette_min_share__lte=1,
                ),
                name="%(app_label)s_%(class)s_check_thresholds",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("brandkit:brand_detail", kwargs={"slug": self.slug})

    @property
    def forbidden_term_list(self) -> list[str]:
        return [term.strip() for term in self.forbidden_terms.splitlines() if term.strip()]


class BrandColor(models.Model):
    """One named colour of a brand's palette, with the role it plays in layouts."""

    brand = models.ForeignKey("brandkit.Brand", on_delete=models.CASCADE, related_name="colors")
    name = models.CharField(max_length=60)
    hex = models.CharField(max_length=7, validators=[hex_color_validator])
    role = models.CharField(max_length=16, choices=ColorRole.choices, default=ColorRole.PRIMARY)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["brand", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(hex__regex=r"^#[0-9A-F]{6}$"),
                name="%(app_label)s_%(class)s_hex_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.hex}"


class BrandFont(TimeStampedModel):
    """A brand typeface file (TTF/OTF) for one role; poster text is drawn with it."""

    brand = models.ForeignKey("brandkit.Brand", on_delete=models.PROTECT, related_name="fonts")
    role = models.CharField(max_length=16, choices=FontRole.choices)
    family = models.CharField(max_length=120)
    style = models.CharField(max_length=60, blank=True)
    file = models.FileField(upload_to="fonts/", max_length=255)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["brand", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "role"], name="%(app_label)s_%(class)s_one_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.style} ({self.get_role_display()})".replace("  ", " ")


class BrandLogo(TimeStampedModel):
    """A logo variant (PNG with transparency), placed on posters by templates."""

    brand = models.ForeignKey("brandkit.Brand", on_delete=models.PROTECT, related_name="logos")
    variant = models.CharField(max_length=16, choices=LogoVariant.choices)
    file = models.FileField(upload_to="logos/", max_length=255)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["brand", "variant"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "variant"], name="%(app_label)s_%(class)s_one_per_variant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} logo ({self.get_variant_display()})"


class Membership(TimeStampedModel):
    """A user's role on one brand. Permissions are per brand: nobody sees a brand without one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brand_memberships"
    )
    brand = models.ForeignKey(
        "brandkit.Brand", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=MembershipRole.choices)

    class Meta:
        ordering = ["brand", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "brand"], name="%(app_label)s_%(class)s_one_role_per_brand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.brand}"
