"""Re-queue generations whose worker died and re-send queued ones RQ lost (workers also run this
at start-up and at every maintenance; this command is for cron or a one-off check)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from projects.services.generation_sweeps import generation_sweep


class Command(BaseCommand):
    help = "Find lost or stale generations and put them back in motion."

    def handle(self, *args: Any, **options: Any) -> None:
        report = generation_sweep()
        self.stdout.write(
            f"Re-queued {report.requeued_lost} lost run(s), failed {report.failed_lost} out of "
            f"attempts, re-sent {report.resent_queued} stale queued generation(s)."
        )
