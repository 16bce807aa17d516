"""Trigram indexes for finding assets by title and prompt words, on PostgreSQL only.

Django's `icontains` is `UPPER(col::text) LIKE UPPER('%word%')` on PostgreSQL; a GIN index on
that expression with pg_trgm's operator class serves it, so a search stays fast as the library
grows. SQLite has no such index (its LIKE scans the campaign's rows, which the campaign index
keeps to one campaign). Creating the extension needs a privileged role: when it is refused the
indexes are skipped and search works, only slower; nothing else depends on them.
"""

from django.db import migrations

INDEXES = [
    ("projects_asset_title_trgm", "projects_asset", "title"),
    ("projects_gen_prompt_trgm", "projects_generation", "prompt"),
]


def create(apps, schema_editor):  # noqa: ANN001, ARG001 (migration signature)
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    with connection.cursor() as cursor:
        for name, table, column in INDEXES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            )


def drop(apps, schema_editor):  # noqa: ANN001, ARG001 (migration signature)
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, _, _ in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_scale_indexes")]

    operations = [migrations.RunPython(create, drop)]
