"""Delete output files that no version references (left by a crash between storing a file and
recording its version)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from projects.services.outputs import output_orphans_delete


class Command(BaseCommand):
    help = "Delete unreferenced output files older than --hours (default 1)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hours", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = output_orphans_delete(older_than=timedelta(hours=options["hours"]))
        for name in deleted:
            self.stdout.write(f"deleted {name}")
        self.stdout.write(f"{len(deleted)} orphan file(s) deleted.")
