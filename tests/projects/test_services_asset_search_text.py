"""An asset's search text holds its title and every version's prompt, kept as versions are added,
so the campaign board finds an asset by a word of any of them."""

from __future__ import annotations

from typing import Any

import pytest

from projects.filters import AssetFilters
from projects.models import Asset
from projects.selectors import campaign_asset_search
from projects.services.asset_search_text import (
    asset_search_text_rebuild_all,
    search_text_with,
)
from tests.projects.review_support import first_version, inline_queue, next_version  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_line_is_added_once_with_its_spaces_made_single() -> None:
    text = search_text_with("", "Hero  poster\n")
    assert text == "Hero poster"
    assert search_text_with(text, "Hero poster") == text
    assert search_text_with(text, "  ") == text
    assert search_text_with(text, "a   blue\tlabel") == "Hero poster\na blue label"


def _found(studio: Any, words: str) -> set[int]:
    assets = campaign_asset_search(campaign=studio.campaign, filters=AssetFilters(q=words))
    return set(assets.values_list("pk", flat=True))


@pytest.mark.redis
def test_the_board_finds_an_asset_by_words_of_any_versions_prompt(
    studio: Any,
    inline_queue: Any,  # noqa: F811
) -> None:
    one = first_version(studio)
    other = first_version(studio)
    two = next_version(studio, one)  # "the same bottle with a blue label"
    asset = Asset.objects.get(pk=one.asset_id)
    assert asset.search_text.splitlines()[0] == asset.title
    assert _found(studio, "BLUE label") == {one.asset_id}
    # Every word must match somewhere: the title or any prompt.
    assert _found(studio, f"{asset.title.split()[0]} blue") == {one.asset_id}
    assert _found(studio, "blue nowhere-else") == set()
    assert two.asset_id == one.asset_id and other.asset_id != one.asset_id


@pytest.mark.redis
def test_a_rebuild_gives_every_asset_the_same_text(studio: Any, inline_queue: Any) -> None:  # noqa: F811
    one = first_version(studio)
    next_version(studio, one)
    first_version(studio)
    written = dict(Asset.objects.values_list("pk", "search_text"))
    Asset.objects.update(search_text="")
    assert asset_search_text_rebuild_all() == 2
    assert dict(Asset.objects.values_list("pk", "search_text")) == written
