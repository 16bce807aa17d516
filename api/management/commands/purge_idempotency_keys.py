"""Delete API idempotency keys older than 24 hours (their replay window)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from api.services.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete API idempotency keys past their 24-hour replay window."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = idempotency_keys_purge()
        self.stdout.write(f"Deleted {deleted} idempotency key(s).")
