"""Writes on campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brandkit.choices import MembershipRole
from brandkit.exceptions import NotPermitted
from brandkit.models import Brand
from brandkit.selectors import brand_role
from projects.choices import CampaignStatus, Channel
from projects.models import Campaign

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

CAMPAIGN_CREATOR_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER}


def campaign_create(
    *,
    brand: Brand,
    owner: AbstractBaseUser,
    name: str,
    channels: list[str] | None = None,
    **fields: Any,
) -> Campaign:
    """Open a campaign on a brand; its owner must be a marketer or admin of that brand."""
    if brand_role(user=owner, brand=brand) not in CAMPAIGN_CREATOR_ROLES:
        raise NotPermitted(f"{owner} is not a marketer or admin of {brand}.")
    campaign = Campaign(
        brand=brand,
        owner=owner,
        name=name,
        channels=[Channel(channel).value for channel in channels or []],
        **fields,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


CAMPAIGN_EDITABLE_FIELDS = frozenset({"name", "brief", "channels", "budget", "due_date", "status"})


def campaign_update(*, campaign: Campaign, user: AbstractBaseUser, **fields: Any) -> Campaign:
    """Change a campaign's brief, channels, budget, dates or status (marketers and admins).

    An archived campaign stays archived; the budget can be lowered below what was spent, which
    simply refuses further generations."""
    if brand_role(user=user, brand=campaign.brand) not in CAMPAIGN_CREATOR_ROLES:
        raise NotPermitted(f"{user} is not a marketer or admin of {campaign.brand}.")
    unknown = set(fields) - CAMPAIGN_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Campaign fields that cannot be changed here: {sorted(unknown)}")
    if campaign.status == CampaignStatus.ARCHIVED:
        raise NotPermitted("An archived campaign cannot be changed.")
    if "channels" in fields:
        fields["channels"] = [Channel(channel).value for channel in fields["channels"] or []]
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    campaign.save(update_fields=[*fields, "updated_at"])
    return campaign


def campaign_archive(*, campaign: Campaign, user: AbstractBaseUser) -> Campaign:
    """Archive a campaign: it leaves lists and takes no new work; its history stays."""
    if brand_role(user=user, brand=campaign.brand) not in CAMPAIGN_CREATOR_ROLES:
        raise NotPermitted(f"{user} is not a marketer or admin of {campaign.brand}.")
    if campaign.status != CampaignStatus.ARCHIVED:
        campaign.status = CampaignStatus.ARCHIVED
        campaign.save(update_fields=["status", "updated_at"])
    return campaign
