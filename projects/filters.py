"""The filters of the paged lists, read from the query string so a filtered page is a link.

Each parser turns `request.GET` into a small frozen dataclass and never raises: a value that
makes no sense (a letter where a number goes, an unknown status) is dropped, and the page shows
what the remaining filters select.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from projects.choices import GenerationStatus, ReviewStatus

MAX_QUERY = 200
_VERSION = re.compile(r"^v?(\d{1,6})$", re.IGNORECASE)


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _choice(value: str | None, choices: type) -> str:
    value = (value or "").strip()
    return value if value in choices.values else ""  # type: ignore[attr-defined]


@dataclass(frozen=True)
class AssetFilters:
    """The campaign board: words of the title or of a version's prompt, review status, a
    version number ("3" or "v3": assets that have it), and "approved" (has an approved version)."""

    q: str = ""
    status: str = ""
    version: int | None = None
    approved: bool = False

    @property
    def words(self) -> list[str]:
        return [word for word in self.q.split() if word][:8]

    @property
    def active(self) -> bool:
        return bool(self.q or self.status or self.version or self.approved)


def asset_filters(params: Mapping[str, str]) -> AssetFilters:
    version_match = _VERSION.match((params.get("version") or "").strip())
    return AssetFilters(
        q=(params.get("q") or "").strip()[:MAX_QUERY],
        status=_choice(params.get("status"), ReviewStatus),
        version=int(version_match.group(1)) if version_match else None,
        approved=params.get("approved") == "1",
    )


@dataclass(frozen=True)
class LibraryFilters(AssetFilters):
    """The brand library: the board's filters, across the brand's campaigns or in one, and the
    days the asset was made (`made_from` to `made_to`, both included, local dates)."""

    campaign: int | None = None
    made_from: date | None = None
    made_to: date | None = None

    @property
    def active(self) -> bool:
        return super().active or bool(self.campaign or self.made_from or self.made_to)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip()[:10])
    except ValueError:
        return None


def library_filters(params: Mapping[str, str]) -> LibraryFilters:
    board = asset_filters(params)
    made_from, made_to = _date(params.get("from")), _date(params.get("to"))
    if made_from and made_to and made_from > made_to:
        made_from, made_to = made_to, made_from  # a swapped range means the same days
    return LibraryFilters(
        q=board.q,
        status=board.status,
        version=board.version,
        approved=board.approved,
        campaign=_number(params.get("campaign")),
        made_from=made_from,
        made_to=made_to,
    )


@dataclass(frozen=True)
class GenerationFilters:
    """The campaign's generation table: one status, or every one."""

    status: str = ""


def generation_filters(params: Mapping[str, str]) -> GenerationFilters:
    return GenerationFilters(status=_choice(params.get("gstatus"), GenerationStatus))


@dataclass(frozen=True)
class InboxFilters:
    """The review inbox: brand, campaign, waiting at least `age` days, brand-check result, and
    the order (oldest first, or worst brand checks first)."""

    brand: int | None = None
    campaign: int | None = None
    age: int | None = None
    checks: str = ""
    sort: str = "oldest"

    @property
    def active(self) -> bool:
        """Whether anything narrows the inbox (the order does not)."""
        return bool(self.brand or self.campaign or self.age or self.checks)


def inbox_filters(params: Mapping[str, str]) -> InboxFilters:
    from projects.selectors.reviews import INBOX_CHECK_FILTERS, INBOX_SORTS

    checks = params.get("checks") or ""
    sort = params.get("sort") or ""
    return InboxFilters(
        brand=_number(params.get("brand")),
        campaign=_number(params.get("campaign")),
        age=_number(params.get("age")),
        checks=checks if checks in INBOX_CHECK_FILTERS else "",
        sort=sort if sort in INBOX_SORTS else "oldest",
    )


def id_list(value: str | None, *, limit: int = 100) -> list[int]:
    """ "1,2,3" -> [1, 2, 3]: the ids a poll asks about, at most `limit`, junk dropped."""
    ids = [_number(part) for part in (value or "").split(",")[:limit]]
    return [pk for pk in ids if pk is not None]
