"""The audit log: every state change writes its row, in the transaction of the change, so a
failure after the row was written rolls back both."""

from __future__ import annotations

from typing import Any

import pytest

from brandkit.choices import AuditVerb, MembershipRole, VersionStatus
from brandkit.models import AuditEvent, PosterTemplate, ReferencePack
from brandkit.services.audit import audit_record
from brandkit.services.poster_templates import poster_template_archive
from brandkit.services.reference_packs import reference_pack_archive, reference_pack_publish
from projects.choices import Decision, GenerationStatus, ReviewStatus
from projects.models import ApprovalStep, Asset, AssetVersion, Generation, Reproduction, Review
from projects.services.approvals import approval_decide, approval_submit
from projects.services.generation_control import generation_cancel, generation_retry
from projects.services.reproductions import reproduction_request
from tests.contract.fake_provider import Fault
from tests.factories import draft_pack, member
from tests.projects.generation_support import ask, ask_ark
from tests.projects.review_support import (  # noqa: F401
    LOCAL_SIZE,
    decided,
    first_version,
    inline_queue,
    submitted,
)

pytestmark = [pytest.mark.redis, pytest.mark.usefixtures("inline_queue")]

V = AuditVerb


class AfterAudit(Exception):
    """A failure in the service after it wrote its audit row."""


def fail_after_audit(
    monkeypatch: pytest.MonkeyPatch, module: str, *, verb: AuditVerb | None = None
) -> list[AuditEvent]:
    """Make `module`'s audit_record write its row and then raise (for `verb`, or any verb), as
    any later step of the service might; returns the rows it wrote before raising."""
    written: list[AuditEvent] = []

    def record_then_fail(**fields: Any) -> AuditEvent:
        event = audit_record(**fields)
        if verb is None or fields["verb"] == verb:
            written.append(event)
            raise AfterAudit(fields["verb"])
        return event

    monkeypatch.setattr(f"{module}.audit_record", record_then_fail)
    return written


def _rolled_back(written: list[AuditEvent]) -> bool:
    """True when rows were written and none of them is left (SQLite may reuse a rolled back id,
    so a row is matched by its content too)."""
    return bool(written) and not any(
        AuditEvent.objects.filter(pk=e.pk, verb=e.verb, object_id=e.object_id).exists()
        for e in written
    )


def _log(**filters: Any) -> list[tuple[str, int | None]]:
    """(verb, actor id) of the matching rows, oldest first."""
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("verb", "actor_id"))


# --- every change writes its row ---------------------------------------------------------------


def test_a_generation_writes_queued_then_succeeded(studio: Any) -> None:
    version = first_version(studio)
    generation = version.generation
    assert _log(object_type="generation", object_id=generation.pk) == [
        (V.GENERATION_QUEUED, studio.marketer.pk),
        (V.GENERATION_SUCCEEDED, None),  # the worker acts for no one
    ]
    succeeded = AuditEvent.objects.get(verb=V.GENERATION_SUCCEEDED)
    assert (succeeded.brand_id, succeeded.campaign_id) == (studio.brand.pk, studio.campaign.pk)
    assert succeeded.data == {
        "provider": "local",
        "attempts": 1,
        "status": GenerationStatus.SUCCEEDED,
        "error": "",
    }


def test_provider_errors_write_failed_or_retrying(
    studio: Any,
    provider_settings: Any,
    fake_provider: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    fake_provider.script(Fault.CONTENT_FILTER, Fault.SERVER_ERROR)
    with django_capture_on_commit_callbacks(execute=True):
        refused = ask_ark(studio, size=LOCAL_SIZE)
    with django_capture_on_commit_callbacks(execute=True):
        flaky = ask_ark(studio, size=LOCAL_SIZE)  # retried later by the scheduler, not here
    assert [verb for verb, _actor in _log(object_type="generation", object_id=refused.pk)] == [
        V.GENERATION_QUEUED,
        V.GENERATION_FAILED,
    ]
    assert [verb for verb, _actor in _log(object_type="generation", object_id=flaky.pk)] == [
        V.GENERATION_QUEUED,
        V.GENERATION_RETRYING,
    ]
    failed = AuditEvent.objects.get(verb=V.GENERATION_FAILED)
    assert failed.data["status"] == GenerationStatus.FAILED
    assert "refused" in failed.data["error"]


def test_cancel_and_retry_write_canceled_and_requeued(
    studio: Any,
    provider_settings: Any,
    fake_provider: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    [waiting] = ask(studio, provider="local", size=LOCAL_SIZE)  # its job never runs here
    generation_cancel(generation=waiting, user=studio.marketer)
    fake_provider.script(Fault.CONTENT_FILTER)
    with django_capture_on_commit_callbacks(execute=True):
        failed = ask_ark(studio, size=LOCAL_SIZE)
    with django_capture_on_commit_callbacks(execute=True):
        generation_retry(generation=failed, user=studio.admin)
    assert _log(object_type="generation", object_id=waiting.pk) == [
        (V.GENERATION_QUEUED, studio.marketer.pk),
        (V.GENERATION_CANCELED, studio.marketer.pk),
    ]
    assert _log(object_type="generation", object_id=failed.pk) == [
        (V.GENERATION_QUEUED, studio.marketer.pk),
        (V.GENERATION_FAILED, None),
        (V.GENERATION_REQUEUED, studio.admin.pk),
        (V.GENERATION_SUCCEEDED, None),
    ]


def test_reviews_write_each_decision_and_lock_the_approved_version(
    studio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    legal = member(studio.brand, MembershipRole.REVIEWER, username="acme-legal")
    ApprovalStep.objects.create(brand=studio.brand, position=0, name="Brand review")
    ApprovalStep.objects.create(brand=studio.brand, position=1, name="Legal").reviewers.set([legal])
    version = first_version(studio)
    for decision in (Decision.REQUEST_CHANGES, Decision.REJECT):
        submitted(version, user=studio.marketer)
        decided(version, user=studio.reviewer, decision=decision, comment="Not yet.")
    submitted(version, user=studio.marketer)
    decided(version, user=studio.reviewer)
    decided(version, user=legal)
    with django_capture_on_commit_callbacks():
        reproduction_request(version=version, user=studio.reviewer)
    assert _log(asset_id=version.asset_id) == [
        (V.SUBMITTED, studio.marketer.pk),
        (V.CHANGES_REQUESTED, studio.reviewer.pk),
        (V.SUBMITTED, studio.marketer.pk),
        (V.REJECTED, studio.reviewer.pk),
        (V.SUBMITTED, studio.marketer.pk),
        (V.STEP_APPROVED, studio.reviewer.pk),
        (V.APPROVED, legal.pk),
        (V.LOCKED, legal.pk),
        (V.REPRODUCED, studio.reviewer.pk),
    ]
    events = AuditEvent.objects.filter(asset_id=version.asset_id)
    assert {
        (e.object_type, e.object_id) for e in events.exclude(verb__in=[V.LOCKED, V.REPRODUCED])
    } == {("asset", version.asset_id)}
    locked = events.get(verb=V.LOCKED)
    assert (locked.object_type, locked.object_id, locked.version_id) == (
        "assetversion",
        version.pk,
        version.pk,
    )
    rejected = events.get(verb=V.REJECTED)
    assert rejected.data == {"version": 1, "step": "Brand review", "comment": "Not yet."}
    assert events.get(verb=V.STEP_APPROVED).data["step"] == "Brand review"
    assert events.get(verb=V.APPROVED).data["step"] == "Legal"


def test_the_brand_library_writes_published_and_archived(studio: Any) -> None:
    reference_pack_archive(pack=studio.pack, user=studio.admin)
    poster_template_archive(template=studio.template, user=studio.admin)
    assert _log(object_type="referencepack", object_id=studio.pack.pk) == [
        (V.PACK_PUBLISHED, studio.admin.pk),
        (V.PACK_ARCHIVED, studio.admin.pk),
    ]
    assert _log(object_type="postertemplate", object_id=studio.template.pk) == [
        (V.TEMPLATE_PUBLISHED, studio.admin.pk),
        (V.TEMPLATE_ARCHIVED, studio.admin.pk),
    ]


# --- the row and the change commit or roll back together ---------------------------------------


def test_a_failed_submission_leaves_no_row_and_no_change(
    studio: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = first_version(studio)
    written = fail_after_audit(monkeypatch, "projects.services.approvals")
    with pytest.raises(AfterAudit):
        approval_submit(asset=version.asset, version=version, user=studio.marketer)
    assert _rolled_back(written)
    asset = Asset.objects.get(pk=version.asset_id)
    assert (asset.review_status, asset.review_round, asset.submitted_version_id) == (
        ReviewStatus.DRAFT,
        0,
        None,
    )


def test_a_failed_approval_leaves_no_rows_no_review_and_no_lock(
    studio: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = first_version(studio)
    submitted(version, user=studio.marketer)
    written = fail_after_audit(monkeypatch, "projects.services.approvals", verb=V.LOCKED)
    with pytest.raises(AfterAudit):
        approval_decide(
            asset=version.asset,
            version=version,
            decision=Decision.APPROVE,
            comment="",
            user=studio.reviewer,
        )
    assert _rolled_back(written)
    assert [verb for verb, _actor in _log(asset_id=version.asset_id)] == [V.SUBMITTED]
    asset = Asset.objects.get(pk=version.asset_id)
    assert (asset.review_status, asset.approved_version_id) == (ReviewStatus.IN_REVIEW, None)
    assert not Review.objects.exists()


def test_a_failed_generation_request_leaves_no_row_and_no_generation(
    studio: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = fail_after_audit(monkeypatch, "projects.services.generation_requests")
    with pytest.raises(AfterAudit):
        ask(studio, provider="local", size=LOCAL_SIZE)
    assert _rolled_back(written)
    assert not Generation.objects.exists()


def test_a_run_failing_as_it_finishes_leaves_no_version_and_no_succeeded_row(
    studio: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    written = fail_after_audit(
        monkeypatch, "projects.services.generation_requests", verb=V.GENERATION_SUCCEEDED
    )
    with pytest.raises(AfterAudit), django_capture_on_commit_callbacks(execute=True):
        [generation] = ask(studio, provider="local", size=LOCAL_SIZE)
    assert _rolled_back(written)
    assert not AssetVersion.objects.exists()
    assert not Asset.objects.exists()
    # The job edge recorded the crash instead, visibly.
    generation.refresh_from_db()
    assert generation.status == GenerationStatus.FAILED
    assert [verb for verb, _actor in _log(object_type="generation", object_id=generation.pk)] == [
        V.GENERATION_QUEUED,
        V.GENERATION_FAILED,
    ]


def test_a_failed_cancel_leaves_no_row_and_the_generation_queued(
    studio: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    [generation] = ask(studio, provider="local", size=LOCAL_SIZE)
    written = fail_after_audit(
        monkeypatch, "projects.services.generation_requests", verb=V.GENERATION_CANCELED
    )
    with pytest.raises(AfterAudit):
        generation_cancel(generation=generation, user=studio.marketer)
    assert _rolled_back(written)
    generation.refresh_from_db()
    assert (generation.status, generation.finished_at) == (GenerationStatus.QUEUED, None)


def test_a_failed_reproduction_request_leaves_no_row_and_no_generation(
    studio: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = first_version(studio)
    written = fail_after_audit(monkeypatch, "projects.services.reproductions")
    with pytest.raises(AfterAudit):
        reproduction_request(version=version, user=studio.marketer)
    assert _rolled_back(written)
    assert list(Generation.objects.values_list("pk", flat=True)) == [version.generation_id]
    assert not Reproduction.objects.exists()


def test_failed_publish_and_archive_leave_no_row_and_no_change(
    studio: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = draft_pack(studio.brand, name="Lifestyle", images=1)
    written = fail_after_audit(monkeypatch, "brandkit.services.versioning")
    with pytest.raises(AfterAudit):
        reference_pack_publish(pack=pack, user=studio.admin)
    assert _rolled_back(written)
    written = fail_after_audit(monkeypatch, "brandkit.services.versioning")
    with pytest.raises(AfterAudit):
        poster_template_archive(template=studio.template, user=studio.admin)
    assert _rolled_back(written)
    assert ReferencePack.objects.get(pk=pack.pk).status == VersionStatus.DRAFT
    assert PosterTemplate.objects.get(pk=studio.template.pk).status == VersionStatus.PUBLISHED
