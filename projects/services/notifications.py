"""Emails about reviews: reviewers when an asset enters their queue, the submitter when a
decision is made. Sent after commit; a mail failure is logged and never undoes the decision."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from projects.models import Asset, Review
    from projects.services.approvals import StepInfo

logger = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return f"{settings.BRANDKIT_PUBLIC_URL.rstrip('/')}{path}"


def _send(messages: list[tuple[str, str, str, list[str]]]) -> None:
    messages = [message for message in messages if message[3]]
    if not messages:
        return
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("Could not send %d review notification(s)", len(messages))


def notify_reviewers(*, asset: Asset, step: StepInfo, users: list[AbstractBaseUser]) -> None:
    version = asset.submitted_version
    link = _absolute(reverse("projects:asset_detail", args=[asset.pk]))
    subject = f"[Brandkit] Review: {asset.title} (v{version.number if version else '?'})"
    body = (
        f"{asset.title} in {asset.campaign.name} is waiting for you at the “{step.name}” step.\n\n"
        f"Review it: {link}\n"
    )
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email]) for u in users if u.email])


def notify_decision(*, review: Review) -> None:
    asset = review.asset
    submitter = asset.submitted_by
    if submitter is None or not submitter.email:
        return
    link = _absolute(reverse("projects:asset_detail", args=[asset.pk]))
    subject = f"[Brandkit] {review.get_decision_display()}: {asset.title} v{review.version.number}"
    body = (
        f"{review.decided_by} chose “{review.get_decision_display()}” on {asset.title} "
        f"version {review.version.number}.\n\n"
        + (f"Comment:\n{review.comment}\n\n" if review.comment else "")
        + f"Open it: {link}\n"
    )
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, [submitter.email])])
