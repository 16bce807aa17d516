"""Writes on campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brandkit.choices import MembershipRole
from brandkit.exceptions import NotPermitted
from brandkit.models import Brand
from brandkit.selectors import brand_role
from projects.choices import Channel
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
