"""The review state machine of assets: submit a version, decide on it, step by step.

    draft | changes_requested | rejected | approved --submit--> in_review
    in_review --approve (not last step)--> in_review (next step)
    in_review --approve (last step)--> approved (the version is locked as the approved one)
    in_review --request changes / reject--> changes_requested / rejected

Every change locks the asset row, checks the transition table, and writes its audit event in the
same transaction. Notifications go out after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from brandkit.choices import AuditVerb, MembershipRole
from brandkit.models import Membership
from brandkit.selectors import brand_role
from brandkit.services.audit import audit_record
from projects.choices import (
    DECISION_OUTCOME,
    DECISIONS_NEEDING_COMMENT,
    REVIEW_TRANSITIONS,
    Decision,
    ReviewStatus,
)
from projects.exceptions import InvalidTransition, ProjectsError, ReplacesApproved
from projects.models import ApprovalStep, Asset, AssetVersion, Generation, Review
from projects.services.notifications import notify_decision, notify_reviewers
from projects.services.review_outcomes import review_outcomes_refresh

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SUBMITTER_ROLES = {MembershipRole.ADMIN, MembershipRole.MARKETER}
REVIEWER_ROLES = {MembershipRole.ADMIN, MembershipRole.REVIEWER}
DEFAULT_STEP_NAME = "Brand review"


class StaleVersion(ProjectsError):
    """The decision was made on a version that is no longer the one under review."""


class NotAllowed(ProjectsError):
    """The user's role, or their own part in the asset, does not allow this."""


@dataclass(frozen=True)
class StepInfo:
    position: int
    name: str
    reviewer_ids: frozenset[int] | None  # None: any reviewer or admin of the brand
    is_last: bool


def approval_step(*, brand_id: int, position: int) -> StepInfo:
    """The brand's step at `position`; one implicit "Brand review" step when none are set.

    A chain shortened in the admin while an asset waited at a later step leaves that asset past
    the end: it gets the implicit last step, open to any reviewer (as the inbox shows it).
    """
    steps = list(ApprovalStep.objects.filter(brand_id=brand_id).prefetch_related("reviewers"))
    if not steps:
        return StepInfo(0, DEFAULT_STEP_NAME, None, is_last=True)
    if position >= len(steps):
        return StepInfo(position, DEFAULT_STEP_NAME, None, is_last=True)
    step = steps[position]
    reviewer_ids = frozenset(user.pk for user in step.reviewers.all()) or None
    return StepInfo(position, step.name, reviewer_ids, is_last=position == len(steps) - 1)


def step_reviewers(*, asset: Asset, step: StepInfo) -> list[AbstractBaseUser]:
    """Who decides on the asset at `step`: never whoever made or submitted it."""
    memberships = (
        Membership.objects.filter(brand_id=asset.campaign.brand_id, role__in=REVIEWER_ROLES)
        .exclude(user_id__in=_makers(asset))
        .select_related("user")
    )
    users = [m.user for m in memberships]
    if step.reviewer_ids is not None:
        users = [user for user in users if user.pk in step.reviewer_ids]
    return users


def _lock(asset: Asset) -> Asset:
    return Asset.objects.select_for_update().select_related("campaign__brand").get(pk=asset.pk)


def _move(asset: Asset, target: ReviewStatus) -> None:
    if target not in REVIEW_TRANSITIONS[asset.review_status]:
        raise InvalidTransition(
            asset.get_review_status_display().lower(), target.label.lower(), what="asset"
        )
    asset.review_status = target


def approval_submit(
    *,
    asset: Asset,
    version: AssetVersion,
    user: AbstractBaseUser,
    replace_approved: bool = False,
) -> Asset:
    """Put one exact version of the asset in front of the first step's reviewers.

    The approved version is not submitted again. A version older than the approved one would,
    once approved, replace it: that needs `replace_approved=True` (the page asks), and the
    audit entry records which approved version it is meant to replace."""
    with transaction.atomic():
        asset = _lock(asset)
        brand = asset.campaign.brand
        if brand_role(user=user, brand=brand) not in SUBMITTER_ROLES:
            raise NotAllowed("Only marketers and admins of this brand can submit for review.")
        if version.asset_id != asset.pk:
            raise NotAllowed("That version belongs to another asset.")
        if asset.review_status == ReviewStatus.IN_REVIEW:
            raise InvalidTransition("in review", "in review", what="asset")
        approved = asset.approved_version
        replaces: int | None = None
        if approved is not None and version.pk == approved.pk:
            raise NotAllowed(f"Version {version.number} is already approved.")
        if approved is not None and version.number < approved.number:
            if not replace_approved:
                raise ReplacesApproved(
                    f"Version {version.number} is older than the approved version "
                    f"{approved.number}; if it is approved it replaces version "
                    f"{approved.number}. Confirm to submit it anyway."
                )
            replaces = approved.number
        _move(asset, ReviewStatus.IN_REVIEW)
        asset.submitted_version = version
        asset.submitted_by = user
        asset.submitted_at = timezone.now()
        asset.review_round += 1
        asset.current_step = 0
        asset.save(
            update_fields=[
                "review_status",
                "submitted_version",
                "submitted_by",
                "submitted_at",
                "review_round",
                "current_step",
                "updated_at",
            ]
        )
        audit_record(
            brand_id=brand.pk,
            verb=AuditVerb.SUBMITTED,
            subject=asset,
            actor=user,
            campaign_id=asset.campaign_id,
            asset_id=asset.pk,
            version_id=version.pk,
            data={"version": version.number, "round": asset.review_round}
            | ({"replaces_approved_version": replaces} if replaces else {}),
        )
        step = approval_step(brand_id=brand.pk, position=0)
        reviewers = step_reviewers(asset=asset, step=step)
        transaction.on_commit(
            lambda: notify_reviewers(asset=asset, step=step, users=reviewers), robust=True
        )
    return asset


def approval_decide(
    *,
    asset: Asset,
    version: AssetVersion,
    decision: Decision,
    comment: str,
    user: AbstractBaseUser,
) -> Review:
    """Decide on the version shown to the reviewer; refused if it is no longer under review."""
    decision = Decision(decision)
    comment = comment.strip()
    if decision in DECISIONS_NEEDING_COMMENT and not comment:
        raise ProjectsError(
            f"Say what should change: a comment is required to {decision.label.lower()}.",
            field="comment",
        )
    with transaction.atomic():
        asset = _lock(asset)
        brand = asset.campaign.brand
        _check_reviewer(asset, user)
        if asset.review_status != ReviewStatus.IN_REVIEW:
            outcome = DECISION_OUTCOME.get(decision, ReviewStatus.APPROVED)
            raise InvalidTransition(
                asset.get_review_status_display().lower(), outcome.label.lower(), what="asset"
            )
        if asset.submitted_version_id != version.pk:
            raise StaleVersion(
                f"You were looking at version {version.number}, but version "
                f"{asset.submitted_version.number} is now under review. Reload and decide on it."
            )
        step = approval_step(brand_id=brand.pk, position=asset.current_step)
        if (
            step.reviewer_ids is not None
            and user.pk not in step.reviewer_ids
            and not user.is_superuser
        ):
            raise NotAllowed(f"You are not a reviewer of the “{step.name}” step.")
        now = timezone.now()
        review = Review.objects.create(
            asset=asset,
            version=version,
            round=asset.review_round,
            step_position=step.position,
            step_name=step.name,
            decision=decision,
            comment=comment,
            decided_by=user,
            decided_at=now,
        )
        verb = _apply(asset, decision, step, version)
        review_outcomes_refresh(asset_ids=[asset.pk])
        audit_record(
            brand_id=brand.pk,
            verb=verb,
            subject=asset,
            actor=user,
            campaign_id=asset.campaign_id,
            asset_id=asset.pk,
            version_id=version.pk,
            data={"version": version.number, "step": step.name, "comment": comment},
        )
        if verb == AuditVerb.APPROVED:
            audit_record(
                brand_id=brand.pk,
                verb=AuditVerb.LOCKED,
                subject=version,
                actor=user,
                campaign_id=asset.campaign_id,
                asset_id=asset.pk,
                version_id=version.pk,
            )
        if verb == AuditVerb.STEP_APPROVED:
            next_step = approval_step(brand_id=brand.pk, position=asset.current_step)
            reviewers = step_reviewers(asset=asset, step=next_step)
            transaction.on_commit(
                lambda: notify_reviewers(asset=asset, step=next_step, users=reviewers),
                robust=True,
            )
        else:
            transaction.on_commit(lambda: notify_decision(review=review), robust=True)
    return review


def _makers(asset: Asset) -> set[int]:
    """Who may not decide on the asset: whoever created or submitted it, and whoever asked for
    the generation behind the version under review (an edit can come from someone else)."""
    makers = {asset.created_by_id, asset.submitted_by_id}
    if asset.submitted_version_id:
        makers |= set(
            Generation.objects.filter(versions=asset.submitted_version_id).values_list(
                "requested_by_id", flat=True
            )
        )
    return makers - {None}


def _check_reviewer(asset: Asset, user: AbstractBaseUser) -> None:
    if brand_role(user=user, brand=asset.campaign.brand) not in REVIEWER_ROLES:
        raise NotAllowed("Only reviewers and admins of this brand can decide.")
    if user.pk in _makers(asset):
        raise NotAllowed(
            "You made, submitted or generated this version, so someone else must review it."
        )


def _apply(asset: Asset, decision: Decision, step: StepInfo, version: AssetVersion) -> AuditVerb:
    """Move the asset for a decision and return the audit verb that names what happened."""
    fields = ["review_status", "current_step", "updated_at"]
    if decision == Decision.APPROVE and not step.is_last:
        asset.current_step += 1
        verb = AuditVerb.STEP_APPROVED
    elif decision == Decision.APPROVE:
        _move(asset, ReviewStatus.APPROVED)
        asset.approved_version = version
        fields.append("approved_version")
        verb = AuditVerb.APPROVED
    else:
        _move(asset, DECISION_OUTCOME[decision])
        verb = (
            AuditVerb.CHANGES_REQUESTED
            if decision == Decision.REQUEST_CHANGES
            else AuditVerb.REJECTED
        )
    asset.save(update_fields=fields)
    return verb
