"""Draw the poster and brand checks of every version made from a template that has none yet
(versions made before posters existed, or whose poster job was lost)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from projects.services.posters import posters_missing, version_poster_create


class Command(BaseCommand):
    help = "Draw missing posters (and their brand checks) for versions made from a template."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=0, help="Stop after this many (0: all).")

    def handle(self, *args: Any, **options: Any) -> None:
        made = 0
        for version_id in list(posters_missing()):
            if options["limit"] and made >= options["limit"]:
                break
            poster = version_poster_create(version_id=version_id)
            if poster is not None:
                made += 1
                self.stdout.write(f"version {version_id}: {poster.status}")
        self.stdout.write(f"{made} poster(s) drawn.")
