"""Refuse UPDATE on audit rows in the database itself, so no code path can rewrite history."""

from django.db import migrations

TABLE = "brandkit_auditevent"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION brandkit_refuse_update() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql;",
            # No parameters: psycopg would otherwise read plpgsql's '%' as a placeholder.
            params=None,
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION brandkit_refuse_update();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} rows are append-only'); END;"
        )


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only;")


class Migration(migrations.Migration):
    dependencies = [("brandkit", "0003_audit_events")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
