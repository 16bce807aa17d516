"""Refuse UPDATE on asset versions in the database itself: a version is written once."""

from django.db import migrations

TABLE = "projects_assetversion"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # brandkit_refuse_update() comes from brandkit's 0004 migration.
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION brandkit_refuse_update();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_immutable BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows are immutable'); END;"
        )


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_immutable ON {TABLE};")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_immutable;")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_reviews"),
        ("brandkit", "0004_auditevent_append_only"),
    ]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
