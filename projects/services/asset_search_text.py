"""Keeping each asset's search text (its title and every version's prompt) true.

The campaign board finds assets by words of the title or of any version's prompt. Reading that
from every version's generation on each search cost a join over all versions; the text is kept on
the asset instead, extended when a version is added (`output_versions_create`) and rebuilt in bulk
for rows written directly (the migration that added it, bulk loads).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from projects.models import Asset, AssetVersion

CHUNK = 500


def search_text_with(text: str, addition: str) -> str:
    """`text` with `addition` on a line of its own, unless a line already says exactly that."""
    addition = " ".join(addition.split())
    lines = text.split("\n") if text else []
    if not addition or addition in lines:
        return text
    return "\n".join([*lines, addition])


def asset_search_text_refresh(*, asset_ids: Iterable[int]) -> int:
    """Rebuild the search text of the assets in `asset_ids` from their title and their
    versions' prompts (in version order); return how many assets were written."""
    ordered = sorted(set(asset_ids))
    written = 0
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        prompts: dict[int, list[str]] = defaultdict(list)
        for asset_id, prompt in (
            AssetVersion.objects.filter(asset_id__in=chunk)
            .order_by("asset_id", "number")
            .values_list("asset_id", "generation__prompt")
        ):
            prompts[asset_id].append(prompt)
        assets = list(Asset.objects.filter(pk__in=chunk).only("pk", "title"))
        for asset in assets:
            text = search_text_with("", asset.title)
            for prompt in prompts[asset.pk]:
                text = search_text_with(text, prompt)
            asset.search_text = text
        Asset.objects.bulk_update(assets, ["search_text"])
        written += len(assets)
    return written


def asset_search_text_rebuild_all() -> int:
    return asset_search_text_refresh(asset_ids=Asset.objects.values_list("pk", flat=True))
