"""Fixtures of the brand library tests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_django.fixtures import SettingsWrapper


@pytest.fixture
def media_root(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """A fresh, empty MEDIA_ROOT for this test, so stored files can be listed and counted."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root
