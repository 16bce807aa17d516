"""A reference pack is sent whole with whichever model a marketer picks, so it may never hold more
images than the model that takes the fewest references accepts in one request."""

from __future__ import annotations

from brandkit.models import MAX_IMAGES_PER_PACK
from projects.providers.catalog import all_models


def test_a_full_pack_fits_every_model_in_the_catalog() -> None:
    fewest = min(all_models(), key=lambda model: model.max_references)
    assert fewest.max_references >= MAX_IMAGES_PER_PACK, (
        f"{fewest.label} takes {fewest.max_references} references; a pack holds "
        f"{MAX_IMAGES_PER_PACK}"
    )
    # The cap is not lower than it needs to be either: it is exactly the fewest.
    assert fewest.max_references == MAX_IMAGES_PER_PACK
