"""Time the local renderer at 1K, 2K and 4K: `python bench/local_renderer.py [--runs N]`.

Prints the median wall time of `LocalProvider.submit` (checks, drawing and JPEG encoding) for a
text-to-image body and an edit body with two references, per size. No Django setup is needed:
the provider knows no database.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from projects.providers.base import GenerationSpec
from projects.providers.local import LocalProvider
from projects.providers.references import InMemoryReferenceStore, resolve_payload

SIZES = ("1024x1024", "2048x2048", "4096x4096")
PROMPT = "A summer campaign poster for sparkling lemonade, palette #0A3D62 #F39C12 #FDFEFE"


def _reference(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste(colour, (size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _bodies(provider: LocalProvider, size: str) -> dict[str, dict[str, Any]]:
    store = InMemoryReferenceStore()
    references = (
        store.put(_reference((220, 60, 40), (2048, 1536))),
        store.put(_reference((40, 160, 90), (1024, 1024))),
    )
    text = provider.build_payload(GenerationSpec(prompt=PROMPT, size=size, seed=1))
    edit_spec = GenerationSpec(prompt=PROMPT, size=size, seed=1, references=references)
    return {"text": text, "edit": resolve_payload(provider.build_payload(edit_spec), store)}


def _median_seconds(provider: LocalProvider, body: dict[str, Any], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        provider.submit(body)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    """Warm up once, then print the median of `--runs` renders per size and mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    provider = LocalProvider()
    provider.submit(_bodies(provider, "1K")["text"])  # load the font and warm caches
    print(f"LocalProvider.submit, median of {runs} runs (one image, JPEG encoding included)")
    for size in SIZES:
        for mode, body in _bodies(provider, size).items():
            seconds = _median_seconds(provider, body, runs)
            print(f"  {size:>9}  {mode:<4}  {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
