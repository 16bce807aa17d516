"""The local renderer: deterministic, offline, honest about being a preview, and useful."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat

from projects.providers import local
from projects.providers.base import GenerationSpec, InvalidSpec
from projects.providers.local import LocalProvider, parse_body, render_image
from projects.providers.local_drawing import (
    LABEL_FOREGROUND,
    HashStream,
    build_palette,
    label_box,
    palette_from_prompt,
)
from projects.providers.references import InMemoryReferenceStore, encode_data_uri, resolve_payload

SMALL = "1280x720"  # the smallest size Seedream allows: keeps each render fast


@pytest.fixture
def provider() -> LocalProvider:
    return LocalProvider()


def _body(provider: LocalProvider, **spec: Any) -> dict[str, Any]:
    spec.setdefault("prompt", "A lemonade poster, palette #0A3D62 #F39C12")
    spec.setdefault("size", SMALL)
    return provider.build_payload(GenerationSpec(**spec))


def _decode(data: bytes | None) -> Image.Image:
    assert data is not None
    return Image.open(io.BytesIO(data))


def _solid_png(colour: tuple[int, int, int], size: tuple[int, int] = (300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _edit_body(provider: LocalProvider, *pngs: bytes, **spec: Any) -> dict[str, Any]:
    store = InMemoryReferenceStore()
    references = tuple(store.put(png) for png in pngs)
    return resolve_payload(_body(provider, references=references, **spec), store)


def test_same_body_renders_byte_identical_images(provider: LocalProvider) -> None:
    body = _body(provider, seed=42, max_images=2)

    first, second = provider.submit(body), LocalProvider().submit(dict(body))

    assert [image.data for image in first.images] == [image.data for image in second.images]
    assert first.request_id == second.request_id
    assert first.request_id.startswith("local-") and len(first.request_id) == len("local-") + 16


def test_different_seed_or_prompt_renders_a_different_image(provider: LocalProvider) -> None:
    base = provider.submit(_body(provider, seed=1)).images[0].data
    other_seed = provider.submit(_body(provider, seed=2)).images[0].data
    other_prompt = provider.submit(_body(provider, seed=1, prompt="A tea poster")).images[0].data

    assert len({base, other_seed, other_prompt}) == 3


@pytest.mark.parametrize(
    ("size", "expected"),
    [("1280x720", (1280, 720)), ("720x1280", (720, 1280)), ("1K", (1024, 1024))],
)
def test_output_is_a_jpeg_of_the_requested_size(
    provider: LocalProvider, size: str, expected: tuple[int, int]
) -> None:
    result = provider.submit(_body(provider, size=size))

    image = _decode(result.images[0].data)
    assert (image.format, image.size) == ("JPEG", expected)
    assert result.images[0].content_type == "image/jpeg"
    assert "exif" not in image.info


def test_group_returns_max_images_distinct_images_and_bills_each(provider: LocalProvider) -> None:
    result = provider.submit(_body(provider, max_images=3))

    assert [image.index for image in result.images] == [0, 1, 2]
    assert len({image.data for image in result.images}) == 3
    assert result.billed_images == 3
    assert result.raw["usage"]["generated_images"] == 3


def test_group_images_share_the_palette(provider: LocalProvider) -> None:
    images = [
        _decode(image.data) for image in provider.submit(_body(provider, max_images=2)).images
    ]
    means = [ImageStat.Stat(image.convert("RGB")).mean for image in images]

    # Same look, different layout: average colours are close, pixels are not.
    assert max(abs(a - b) for a, b in zip(*means, strict=True)) < 40
    assert ImageChops.difference(images[0], images[1]).getbbox() is not None


def test_edit_takes_its_picture_from_the_first_reference(provider: LocalProvider) -> None:
    prompt = "Make it brighter"
    red = provider.submit(_edit_body(provider, _solid_png((230, 20, 20)), prompt=prompt))
    blue = provider.submit(_edit_body(provider, _solid_png((20, 20, 230)), prompt=prompt))

    centre = (500, 250, 780, 470)
    red_mean = ImageStat.Stat(_decode(red.images[0].data).crop(centre)).mean
    blue_mean = ImageStat.Stat(_decode(blue.images[0].data).crop(centre)).mean
    assert red_mean[0] > blue_mean[0] + 40
    assert blue_mean[2] > red_mean[2] + 20  # the palette's blue tints both


def test_edit_shows_further_references_as_inset_tiles(provider: LocalProvider) -> None:
    body = _edit_body(provider, _solid_png((128, 128, 128)), _solid_png((0, 220, 0)))

    image = _decode(provider.submit(body).images[0].data).convert("RGB")

    red, green, blue = image.getpixel((1196, 129))  # the first tile, down the right edge
    assert green > 150 and red < 100 and blue < 100


def test_every_image_carries_the_preview_label(provider: LocalProvider) -> None:
    request = parse_body(_body(provider))
    labelled = render_image(request, [], 0)
    unlabelled = render_image(request, [], 0, is_labelled=False)

    box = label_box(*labelled.size)
    assert ImageChops.difference(labelled, unlabelled).getbbox() == box
    label_colours = {colour for _count, colour in labelled.crop(box).getcolors(1 << 20) or []}
    assert LABEL_FOREGROUND in label_colours  # the text, in warning yellow


def test_watermark_flag_draws_the_mark_bottom_right(provider: LocalProvider) -> None:
    request = parse_body(_body(provider, watermark=True))
    marked = render_image(request, [], 0)
    plain = render_image(dataclasses.replace(request, watermark=False), [], 0)

    left, top, _right, _bottom = ImageChops.difference(marked, plain).getbbox() or (0, 0, 0, 0)
    assert left > marked.width / 2 and top > marked.height * 0.85


def test_url_references_are_refused_because_local_works_offline(provider: LocalProvider) -> None:
    url = "https://example.com/product.png"

    with pytest.raises(InvalidSpec, match="offline") as raised:
        provider.build_payload(GenerationSpec(prompt="p", references=(url,), size=SMALL))
    assert raised.value.field == "references"
    with pytest.raises(InvalidSpec, match="offline"):
        provider.submit({"prompt": "p", "size": SMALL, "image": [url]})


def test_unresolved_pointers_are_refused_at_submit(provider: LocalProvider) -> None:
    body = _body(provider, references=("sha256:" + "ab" * 32,))

    with pytest.raises(InvalidSpec, match="resolve"):
        provider.submit(body)


@pytest.mark.parametrize(
    "changes",
    [
        {"size": "800x800"},
        {"prompt": "  "},
        {
            "sequential_image_generation": "auto",
            "sequential_image_generation_options": {"max_images": 16},
        },
        {"sequential_image_generation": "sometimes"},
        {"response_format": "png"},
        {"watermark": "yes"},
        {"seed": -2},
        {"image": "data:image/png;base64,not base64!"},
        {"image": encode_data_uri(b"just text, not an image", "image/png")},
        {"image": [encode_data_uri(_solid_png((1, 2, 3)), "image/png")] * 11},
    ],
)
def test_invalid_bodies_are_refused_before_rendering(
    provider: LocalProvider, monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any]
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("rendered an invalid body")

    monkeypatch.setattr(local, "render_image", fail)

    with pytest.raises(InvalidSpec):
        provider.submit({**_body(provider), **changes})


def test_invalid_specs_are_refused_by_build_payload(provider: LocalProvider) -> None:
    with pytest.raises(InvalidSpec) as raised:
        provider.build_payload(GenerationSpec(prompt="p", size="800x800"))

    assert raised.value.field == "size" and raised.value.provider == "local"


def test_build_payload_writes_the_ark_body(provider: LocalProvider) -> None:
    pointers = ("sha256:" + "a" * 64, "sha256:" + "b" * 64)
    spec = GenerationSpec(prompt="p", references=pointers, size="2K", max_images=3, seed=5)

    assert provider.build_payload(spec) == {
        "model": "brandkit-local-preview-1",
        "prompt": "p",
        "image": list(pointers),
        "size": "2K",
        "sequential_image_generation": "auto",
        "sequential_image_generation_options": {"max_images": 3},
        "response_format": "b64_json",
        "watermark": True,
        "seed": 5,
    }


def test_response_format_is_recorded_without_image_bytes(provider: LocalProvider) -> None:
    as_url = provider.submit(_body(provider, response_format="url"))
    as_b64 = provider.submit(_body(provider, response_format="b64_json"))

    assert as_url.raw["data"][0]["url"] == f"local://{as_url.request_id}/0.jpg"
    assert as_b64.raw["data"][0]["b64_json"].startswith("<omitted")
    assert as_b64.images[0].data and as_url.images[0].data  # bytes are always returned


def test_palette_comes_from_the_prompt_hex_codes_first() -> None:
    prompt = "palette #0A3D62 #f39c12 and #0A3D62 again, not #12345"

    assert palette_from_prompt(prompt) == ((10, 61, 98), (243, 156, 18))
    palette = build_palette(prompt, HashStream(b"seed"))
    assert palette[:2] == ((10, 61, 98), (243, 156, 18)) and len(palette) == 4


def test_prompts_the_font_cannot_draw_still_render(provider: LocalProvider) -> None:
    result = provider.submit(_body(provider, prompt="Café — 海报 " + "very long words " * 80))

    assert _decode(result.images[0].data).size == (1280, 720)
