"""Campaigns: the unit of work a marketer runs for one brand."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from brandkit.models.base import TimeStampedModel
from projects.choices import CampaignStatus


class Campaign(TimeStampedModel):
    """A brand's campaign: a brief, the channels it ships to, a budget for generations, an owner.

    `channels` is a list of `Channel` values. `budget` is in US dollars; generations that would
    take spend past it are refused before anything is sent to a provider.
    """

    brand = models.ForeignKey("brandkit.Brand", on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=160)
    brief = models.TextField(blank=True)
    channels = models.JSONField(default=list, blank=True)
    budget = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="US dollars available for generations.",
    )
    status = models.CharField(
        max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_campaigns"
    )
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="%(app_label)s_%(class)s_budget_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:campaign_detail", kwargs={"pk": self.pk})
