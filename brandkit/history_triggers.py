"""Keep the SQLite triggers that protect history in place after every migrate.

Migrations 0004 (brandkit's audit log, projects' asset versions) create BEFORE UPDATE triggers.
PostgreSQL keeps a table's triggers through ALTER TABLE, but SQLite cannot alter most columns,
so Django rebuilds the table (create new, copy, drop old, rename) and the triggers go with the
old table: adding `AssetVersion.provenance` silently made versions writable on the embedded
default. Re-creating them after each migrate covers every later migration too.
"""

from __future__ import annotations

from typing import Any

from django.db import connections

# trigger name -> (table, what the refusal says)
SQLITE_HISTORY_TRIGGERS = {
    "brandkit_auditevent_append_only": ("brandkit_auditevent", "rows are append-only"),
    "projects_assetversion_immutable": ("projects_assetversion", "rows are immutable"),
}


def sqlite_history_triggers_ensure(*, using: str = "default", **_: Any) -> None:
    """post_migrate receiver: create any missing history trigger on a SQLite database."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for name, (table, refusal) in SQLITE_HISTORY_TRIGGERS.items():
            if table in tables:
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE UPDATE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} {refusal}'); END;"
                )
