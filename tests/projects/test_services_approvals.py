"""The review state machine: every transition allowed and refused, exact versions, who may
decide, multi-step chains, the approved version, and the emails that go out after commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from brandkit.choices import AuditVerb, MembershipRole
from brandkit.models import AuditEvent
from projects.choices import Decision, ReviewStatus
from projects.exceptions import InvalidTransition, ProjectsError
from projects.models import ApprovalStep, Asset, Review
from projects.services import approvals
from projects.services.approvals import NotAllowed, StaleVersion, approval_decide, approval_submit
from tests.factories import UserFactory, member
from tests.projects.review_support import (
    asset_in,
    decided,
    first_version,
    inline_queue,  # noqa: F401
    next_version,
    recipients,
    submitted,
)

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]

R = ReviewStatus
SETTLED = [R.DRAFT, R.CHANGES_REQUESTED, R.REJECTED, R.APPROVED]
OUTCOMES = {
    Decision.APPROVE: (R.APPROVED, AuditVerb.APPROVED),
    Decision.REQUEST_CHANGES: (R.CHANGES_REQUESTED, AuditVerb.CHANGES_REQUESTED),
    Decision.REJECT: (R.REJECTED, AuditVerb.REJECTED),
}


def _verbs(asset: Asset) -> list[str]:
    return list(
        AuditEvent.objects.filter(asset_id=asset.pk).order_by("id").values_list("verb", flat=True)
    )


def _chain(studio: Any, *groups: tuple[str, list[Any]]) -> None:
    """The brand's approval steps, in order, each a name and its group of reviewers. No service
    edits the chain (brand admins set it up in the admin), so the rows are made directly."""
    for position, (name, reviewers) in enumerate(groups):
        step = ApprovalStep.objects.create(brand=studio.brand, position=position, name=name)
        step.reviewers.set(reviewers)


# --- submit -----------------------------------------------------------------------------------


def test_approval_submit_puts_a_draft_in_review_and_emails_its_reviewers(
    studio: Any, mailoutbox: list[Any]
) -> None:
    version = first_version(studio)
    asset = submitted(version, user=studio.marketer)
    asset.refresh_from_db()
    assert asset.review_status == R.IN_REVIEW
    assert asset.submitted_version_id == version.pk
    assert asset.submitted_by_id == studio.marketer.pk
    assert asset.submitted_at is not None
    assert (asset.review_round, asset.current_step) == (1, 0)
    assert asset.approved_version_id is None
    assert _verbs(asset) == [AuditVerb.SUBMITTED]
    # The brand's reviewer and admin; never the marketer who submitted it.
    assert recipients(mailoutbox) == [studio.admin.email, studio.reviewer.email]
    assert all("Brand review" in message.body for message in mailoutbox)
    assert all(asset.get_absolute_url() in message.body for message in mailoutbox)


@pytest.mark.parametrize("status", SETTLED)
def test_approval_submit_is_allowed_from_every_settled_status(
    studio: Any, status: ReviewStatus
) -> None:
    asset, version = asset_in(studio, status)
    if status == R.APPROVED:  # the approved version itself is never resubmitted; a newer one is
        version = next_version(studio, version)
        asset.refresh_from_db()
    rounds = asset.review_round
    asset = approval_submit(asset=asset, version=version, user=studio.marketer)
    asset.refresh_from_db()
    assert asset.review_status == R.IN_REVIEW
    assert asset.review_round == rounds + 1
    assert asset.current_step == 0
    assert asset.submitted_version_id == version.pk


def test_approval_submit_refuses_an_asset_already_in_review(studio: Any) -> None:
    asset, version = asset_in(studio, R.IN_REVIEW)
    with pytest.raises(InvalidTransition) as refused:
        approval_submit(asset=asset, version=version, user=studio.admin)
    assert refused.value.message == "An asset that is in review cannot become in review."
    asset.refresh_from_db()
    assert (asset.review_round, asset.submitted_by_id) == (1, studio.marketer.pk)
    assert _verbs(asset) == [AuditVerb.SUBMITTED]


def test_approval_submit_needs_a_marketer_or_admin_and_a_version_of_the_asset(
    studio: Any,
) -> None:
    version = first_version(studio)
    other = first_version(studio)
    outsider = UserFactory(username="outsider")
    for user in (studio.reviewer, outsider):
        with pytest.raises(NotAllowed, match="Only marketers and admins"):
            approval_submit(asset=version.asset, version=version, user=user)
    with pytest.raises(NotAllowed, match="belongs to another asset"):
        approval_submit(asset=version.asset, version=other, user=studio.marketer)
    asset = Asset.objects.get(pk=version.asset_id)
    assert (asset.review_status, asset.review_round) == (R.DRAFT, 0)
    assert _verbs(asset) == []


# --- decide -----------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", list(Decision))
def test_approval_decide_moves_an_asset_in_review_and_emails_the_submitter(
    studio: Any, decision: Decision, mailoutbox: list[Any]
) -> None:
    asset, version = asset_in(studio, R.IN_REVIEW)
    mailoutbox.clear()
    review = decided(version, user=studio.reviewer, decision=decision, comment="  Looks right.  ")
    target, verb = OUTCOMES[decision]
    asset.refresh_from_db()
    assert asset.review_status == target
    assert (review.version_id, review.round, review.step_position) == (version.pk, 1, 0)
    assert (review.step_name, review.decision) == ("Brand review", decision)
    assert (review.comment, review.decided_by_id) == ("Looks right.", studio.reviewer.pk)
    assert review.decided_at <= timezone.now()
    if decision == Decision.APPROVE:
        assert asset.approved_version_id == version.pk
        assert _verbs(asset) == [AuditVerb.SUBMITTED, AuditVerb.APPROVED, AuditVerb.LOCKED]
    else:
        assert asset.approved_version_id is None
        assert _verbs(asset) == [AuditVerb.SUBMITTED, verb]
    [message] = mailoutbox
    assert message.to == [studio.marketer.email]
    assert review.get_decision_display() in message.subject
    assert "Looks right." in message.body


@pytest.mark.parametrize("status", SETTLED)
def test_approval_decide_refuses_an_asset_not_in_review(studio: Any, status: ReviewStatus) -> None:
    asset, version = asset_in(studio, status)
    reviews = Review.objects.filter(asset=asset).count()
    for decision, (target, _verb) in OUTCOMES.items():
        with pytest.raises(InvalidTransition) as refused:
            approval_decide(
                asset=asset, version=version, decision=decision, comment="Again.", user=studio.admin
            )
        assert refused.value.message == (
            f"An asset that is {status.label.lower()} cannot become {target.label.lower()}."
        )
    asset.refresh_from_db()
    assert asset.review_status == status
    assert Review.objects.filter(asset=asset).count() == reviews


@pytest.mark.parametrize("decision", [Decision.REQUEST_CHANGES, Decision.REJECT])
def test_approval_decide_requires_a_comment_to_reject_or_request_changes(
    studio: Any, decision: Decision
) -> None:
    asset, version = asset_in(studio, R.IN_REVIEW)
    for comment in ("", "   \n"):
        with pytest.raises(ProjectsError) as refused:
            approval_decide(
                asset=asset, version=version, decision=decision, comment=comment, user=studio.admin
            )
        assert refused.value.field == "comment"
        assert "a comment is required" in refused.value.message
    asset.refresh_from_db()
    assert asset.review_status == R.IN_REVIEW
    assert not Review.objects.filter(asset=asset).exists()
    # Approving needs no comment.
    decided(version, user=studio.admin)
    assert Asset.objects.get(pk=asset.pk).review_status == R.APPROVED


def test_approval_decide_rejects_stale_version(studio: Any, mailoutbox: list[Any]) -> None:
    asset, version_one = asset_in(studio, R.CHANGES_REQUESTED)
    version_two = next_version(studio, version_one)
    submitted(version_two, user=studio.marketer)
    mailoutbox.clear()
    for decision in Decision:
        with pytest.raises(StaleVersion) as refused:
            approval_decide(
                asset=asset,
                version=version_one,
                decision=decision,
                comment="Seen.",
                user=studio.reviewer,
            )
        assert refused.value.message == (
            "You were looking at version 1, but version 2 is now under review. "
            "Reload and decide on it."
        )
    asset.refresh_from_db()
    assert (asset.review_status, asset.review_round) == (R.IN_REVIEW, 2)
    assert not Review.objects.filter(asset=asset, round=2).exists()
    assert mailoutbox == []
    review = decided(version_two, user=studio.reviewer)
    assert (review.version_id, review.round) == (version_two.pk, 2)


def test_approval_decide_refuses_whoever_generated_the_version_under_review(
    studio: Any, mailoutbox: list[Any]
) -> None:
    # The marketer made the asset; an admin generated the edit that the marketer submits.
    version_one = first_version(studio)
    version_two = next_version(studio, version_one, user=studio.admin)
    mailoutbox.clear()
    submitted(version_two, user=studio.marketer)
    assert recipients(mailoutbox) == [studio.reviewer.email]
    with pytest.raises(NotAllowed, match="You made, submitted or generated this version"):
        approval_decide(
            asset=version_two.asset,
            version=version_two,
            decision=Decision.APPROVE,
            comment="",
            user=studio.admin,
        )
    assert decided(version_two, user=studio.reviewer).decision == Decision.APPROVE


def test_approval_decide_refuses_self_approval_by_the_creator_or_the_submitter(
    studio: Any, mailoutbox: list[Any]
) -> None:
    # An admin made the asset and a marketer submitted it: the admin may not decide, so the
    # asset is not in the admin's queue and only the reviewer is emailed.
    version = first_version(studio, user=studio.admin)
    submitted(version, user=studio.marketer)
    assert recipients(mailoutbox) == [studio.reviewer.email]
    with pytest.raises(NotAllowed, match="You made, submitted or generated this version"):
        approval_decide(
            asset=version.asset,
            version=version,
            decision=Decision.APPROVE,
            comment="",
            user=studio.admin,
        )
    # The marketer made it and a second admin submitted it: that admin may not decide either.
    second_admin = member(studio.brand, MembershipRole.ADMIN, username="acme-admin-2")
    other = first_version(studio)
    mailoutbox.clear()
    submitted(other, user=second_admin)
    assert recipients(mailoutbox) == [studio.admin.email, studio.reviewer.email]
    with pytest.raises(NotAllowed, match="You made, submitted or generated this version"):
        approval_decide(
            asset=other.asset,
            version=other,
            decision=Decision.APPROVE,
            comment="",
            user=second_admin,
        )
    for made in (version, other):
        assert Asset.objects.get(pk=made.asset_id).review_status == R.IN_REVIEW
    assert not Review.objects.exists()
    # Anyone else with the role decides.
    decided(version, user=studio.reviewer)
    decided(other, user=studio.admin)
    assert set(Asset.objects.values_list("review_status", flat=True)) == {R.APPROVED}


def test_approval_decide_needs_a_reviewer_or_admin_of_the_brand(studio: Any) -> None:
    asset, version = asset_in(studio, R.IN_REVIEW)
    other_marketer = member(studio.brand, MembershipRole.MARKETER, username="acme-marketer-2")
    outsider = UserFactory(username="outsider")
    for user in (studio.marketer, other_marketer, outsider):
        with pytest.raises(NotAllowed, match="Only reviewers and admins"):
            approval_decide(
                asset=asset, version=version, decision=Decision.APPROVE, comment="", user=user
            )
    asset.refresh_from_db()
    assert asset.review_status == R.IN_REVIEW
    assert not Review.objects.filter(asset=asset).exists()


# --- multi-step chains -------------------------------------------------------------------------


def test_a_chain_of_steps_approves_after_its_last_step_each_by_its_own_group(
    studio: Any, mailoutbox: list[Any]
) -> None:
    legal = member(studio.brand, MembershipRole.REVIEWER, username="acme-legal")
    _chain(studio, ("Brand review", [studio.reviewer]), ("Legal", [legal]))
    version = first_version(studio)
    asset = submitted(version, user=studio.marketer)
    assert recipients(mailoutbox) == [studio.reviewer.email]
    mailoutbox.clear()

    def approve(user: Any) -> Review:
        return approval_decide(
            asset=asset, version=version, decision=Decision.APPROVE, comment="", user=user
        )

    with pytest.raises(NotAllowed, match="not a reviewer of the “Brand review” step"):
        approve(legal)
    with pytest.raises(NotAllowed, match="not a reviewer of the “Brand review” step"):
        approve(studio.admin)  # an admin outside the group waits like anyone else
    decided(version, user=studio.reviewer)
    asset.refresh_from_db()
    assert (asset.review_status, asset.current_step) == (R.IN_REVIEW, 1)
    assert asset.approved_version_id is None
    assert _verbs(asset) == [AuditVerb.SUBMITTED, AuditVerb.STEP_APPROVED]
    # Legal's turn: Legal is emailed, the marketer hears nothing yet.
    assert recipients(mailoutbox) == [legal.email]
    assert "Legal" in mailoutbox[0].body
    mailoutbox.clear()
    with pytest.raises(NotAllowed, match="not a reviewer of the “Legal” step"):
        approve(studio.reviewer)
    decided(version, user=legal)
    asset.refresh_from_db()
    assert asset.review_status == R.APPROVED
    assert asset.approved_version_id == version.pk
    assert _verbs(asset) == [
        AuditVerb.SUBMITTED,
        AuditVerb.STEP_APPROVED,
        AuditVerb.APPROVED,
        AuditVerb.LOCKED,
    ]
    assert list(
        Review.objects.filter(asset=asset)
        .order_by("step_position")
        .values_list("step_position", "step_name", "decided_by")
    ) == [(0, "Brand review", studio.reviewer.pk), (1, "Legal", legal.pk)]
    assert recipients(mailoutbox) == [studio.marketer.email]


def test_changes_asked_at_a_later_step_send_the_next_round_back_to_the_first(
    studio: Any,
) -> None:
    legal = member(studio.brand, MembershipRole.REVIEWER, username="acme-legal")
    _chain(studio, ("Brand review", [studio.reviewer]), ("Legal", [legal]))
    asset, version_one = asset_in(studio, R.IN_REVIEW)  # approved at Brand review below
    decided(version_one, user=studio.reviewer)
    decided(version_one, user=legal, decision=Decision.REQUEST_CHANGES, comment="Add the claim.")
    asset.refresh_from_db()
    assert (asset.review_status, asset.current_step) == (R.CHANGES_REQUESTED, 1)
    version_two = next_version(studio, version_one)
    submitted(version_two, user=studio.marketer)
    asset.refresh_from_db()
    assert (asset.review_status, asset.review_round, asset.current_step) == (R.IN_REVIEW, 2, 0)
    with pytest.raises(NotAllowed, match="“Brand review” step"):
        approval_decide(
            asset=asset, version=version_two, decision=Decision.APPROVE, comment="", user=legal
        )
    review = decided(version_two, user=studio.reviewer)
    assert (review.round, review.step_position) == (2, 0)


def test_a_step_without_a_group_takes_any_reviewer_or_admin_of_the_brand(studio: Any) -> None:
    legal = member(studio.brand, MembershipRole.REVIEWER, username="acme-legal")
    _chain(studio, ("Brand review", []), ("Legal", [legal]))
    asset, version = asset_in(studio, R.IN_REVIEW)
    decided(version, user=studio.admin)
    assert Asset.objects.get(pk=asset.pk).current_step == 1


def test_a_chain_shortened_during_a_review_still_takes_the_decision(studio: Any) -> None:
    legal = member(studio.brand, MembershipRole.REVIEWER, username="acme-legal")
    _chain(studio, ("Brand review", [studio.reviewer]), ("Legal", [legal]))
    asset, version = asset_in(studio, R.IN_REVIEW)
    decided(version, user=studio.reviewer)
    ApprovalStep.objects.filter(brand=studio.brand, name="Legal").delete()  # in the admin
    # The asset waits at a step that no longer exists: as in the inbox, any reviewer finishes it.
    review = decided(version, user=studio.admin)
    assert (review.step_position, review.step_name) == (1, "Brand review")
    asset.refresh_from_db()
    assert (asset.review_status, asset.approved_version_id) == (R.APPROVED, version.pk)


# --- the approved version ----------------------------------------------------------------------


def test_an_approved_version_stays_approved_until_a_newer_one_is(studio: Any) -> None:
    asset, version_one = asset_in(studio, R.APPROVED)
    version_two = next_version(studio, version_one)
    submitted(version_two, user=studio.marketer)
    asset.refresh_from_db()
    assert asset.review_status == R.IN_REVIEW
    assert (asset.approved_version_id, asset.latest_version_id) == (version_one.pk, version_two.pk)
    decided(version_two, user=studio.reviewer, decision=Decision.REQUEST_CHANGES, comment="Bluer.")
    asset.refresh_from_db()
    assert asset.review_status == R.CHANGES_REQUESTED
    assert asset.approved_version_id == version_one.pk
    submitted(version_two, user=studio.marketer)
    decided(version_two, user=studio.reviewer)
    asset.refresh_from_db()
    assert asset.review_status == R.APPROVED
    assert asset.approved_version_id == version_two.pk
    locked = AuditEvent.objects.filter(asset_id=asset.pk, verb=AuditVerb.LOCKED).order_by("id")
    assert [event.version_id for event in locked] == [version_one.pk, version_two.pk]


def test_a_review_is_unique_per_asset_round_and_step(studio: Any) -> None:
    asset, version = asset_in(studio, R.REJECTED)
    review = Review.objects.get(asset=asset)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            asset=asset,
            version=version,
            round=review.round,
            step_position=review.step_position,
            decision=Decision.APPROVE,
            decided_by=studio.admin,
            decided_at=timezone.now(),
        )
    # The next round is a fresh set of steps.
    submitted(version, user=studio.marketer)
    decided(version, user=studio.admin)
    assert list(Review.objects.filter(asset=asset).values_list("round", "step_position")) == [
        (1, 0),
        (2, 0),
    ]


# --- emails after commit -----------------------------------------------------------------------


def test_a_rolled_back_decision_sends_nothing(
    studio: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    asset, version = asset_in(studio, R.IN_REVIEW)
    mailoutbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        approval_decide(
            asset=asset, version=version, decision=Decision.APPROVE, comment="", user=studio.admin
        )
        raise RuntimeError("the surrounding request failed")
    assert callbacks == []
    assert mailoutbox == []
    asset.refresh_from_db()
    assert asset.review_status == R.IN_REVIEW
    assert not Review.objects.filter(asset=asset).exists()


def test_a_failing_notification_never_undoes_or_breaks_the_decision(
    studio: Any, monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    asset, version = asset_in(studio, R.IN_REVIEW)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the mail template broke")

    monkeypatch.setattr(approvals, "notify_decision", broken)
    mailoutbox.clear()
    review = decided(version, user=studio.reviewer)
    assert review.pk is not None
    assert Asset.objects.get(pk=asset.pk).review_status == R.APPROVED
    assert mailoutbox == []


def test_the_approved_version_is_not_submitted_again(studio: Any) -> None:
    asset, version = asset_in(studio, R.APPROVED)
    with pytest.raises(ProjectsError, match="already approved"):
        approval_submit(asset=asset, version=version, user=studio.marketer)
    asset.refresh_from_db()
    assert asset.review_status == R.APPROVED


def test_an_older_version_than_the_approved_one_needs_confirmation_and_is_audited(
    studio: Any,
) -> None:
    from projects.exceptions import ReplacesApproved

    first = asset_in(studio, R.DRAFT)[1]
    second = next_version(studio, first)
    submitted(second, user=studio.marketer)
    decided(second, user=studio.reviewer)
    asset = Asset.objects.get(pk=first.asset_id)
    assert asset.approved_version_id == second.pk

    with pytest.raises(ReplacesApproved, match="older than the approved version 2"):
        approval_submit(asset=asset, version=first, user=studio.marketer)
    asset.refresh_from_db()
    assert asset.review_status == R.APPROVED

    approval_submit(asset=asset, version=first, user=studio.marketer, replace_approved=True)
    event = AuditEvent.objects.filter(asset_id=asset.pk, verb=AuditVerb.SUBMITTED).latest("id")
    assert event.data["replaces_approved_version"] == 2
    assert event.data["version"] == 1
