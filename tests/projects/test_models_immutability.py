"""Asset versions and audit events are written once: the ORM refuses to change or delete a
version, and a database trigger refuses an UPDATE of either table from any client, on SQLite and
PostgreSQL alike (this module runs on whichever database the run uses)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from brandkit.choices import AuditVerb
from brandkit.models import AuditEvent
from brandkit.services.audit import audit_record
from projects.models import AssetVersion
from projects.models.outputs import ImmutableVersionError
from tests.projects.review_support import first_version, inline_queue  # noqa: F401

# both_databases: bin/test runs this module a second time on SQLite when the main run is on
# PostgreSQL, so the triggers of the embedded default are checked in CI too.
pytestmark = [
    pytest.mark.redis,
    pytest.mark.both_databases,
    pytest.mark.usefixtures("inline_queue"),
]


def _raw_update(table: str, column: str, value: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608 (fixed names)
            [value, pk],
        )


def test_an_asset_version_cannot_be_changed_or_deleted_through_the_orm(studio: Any) -> None:
    version = first_version(studio)
    asset = version.asset
    version.image_sha256 = "0" * 64
    with pytest.raises(ImmutableVersionError, match="immutable"):
        version.save()
    with pytest.raises(ImmutableVersionError, match="immutable"):
        version.save(update_fields=["image_sha256"])
    with pytest.raises(ImmutableVersionError, match="never deleted"):
        version.delete()
    for versions in (AssetVersion.objects.filter(pk=version.pk), asset.versions.all()):
        with pytest.raises(ImmutableVersionError):
            versions.update(image_sha256="0" * 64)
        with pytest.raises(ImmutableVersionError):
            versions.delete()
    with pytest.raises(ImmutableVersionError), transaction.atomic():
        AssetVersion.objects.bulk_update([version], ["image_sha256"])
    assert AssetVersion.objects.get(pk=version.pk).image_sha256 != "0" * 64


def test_the_database_refuses_a_raw_update_of_an_asset_version(studio: Any) -> None:
    version = first_version(studio)
    with pytest.raises(DatabaseError, match="projects_assetversion"), transaction.atomic():
        _raw_update("projects_assetversion", "image_sha256", "0" * 64, version.pk)
    assert AssetVersion.objects.get(pk=version.pk).image_sha256 == version.image_sha256
    # Writing new versions (INSERT) is what the table is for, and still works.
    assert first_version(studio).number == 1


def test_the_database_refuses_to_rewrite_an_audit_event(studio: Any) -> None:
    event = audit_record(
        brand_id=studio.brand.pk, verb=AuditVerb.PACK_PUBLISHED, subject=studio.pack
    )
    with pytest.raises(DatabaseError, match="brandkit_auditevent"), transaction.atomic():
        _raw_update("brandkit_auditevent", "verb", AuditVerb.PACK_ARCHIVED, event.pk)
    with pytest.raises(DatabaseError, match="brandkit_auditevent"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="rewritten")
    event.object_repr = "rewritten"
    with pytest.raises(DatabaseError, match="brandkit_auditevent"), transaction.atomic():
        event.save()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.verb, stored.object_repr) == (AuditVerb.PACK_PUBLISHED, str(studio.pack))
