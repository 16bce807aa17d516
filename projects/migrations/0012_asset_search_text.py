"""Asset.search_text: the title and every version's prompt, what the campaign board's search reads.

Filled for existing assets here; on PostgreSQL a trigram GIN index on UPPER(search_text) serves
Django's `icontains` (as in 0009; skipped when pg_trgm cannot be created, search still works).
"""

from django.db import migrations, models

INDEX = "projects_asset_search_trgm"


def fill(apps, schema_editor):
    """Uses the service (today's models) because the rule lives there; only where assets exist."""
    if not apps.get_model("projects", "Asset").objects.exists():
        return
    from projects.services.asset_search_text import asset_search_text_rebuild_all

    asset_search_text_rebuild_all()


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON projects_asset "
            "USING gin ((UPPER(search_text::text)) gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0011_review_outcomes")]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
