"""Reference pointers: stored payloads carry sha256 pointers, wire bodies carry data URIs."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from projects.providers.base import InvalidSpec
from projects.providers.references import (
    InMemoryReferenceStore,
    ReferenceNotFound,
    decode_data_uri,
    payload_pointers,
    pointer_for,
    pointerize_payload,
    reference_storage_path,
    resolve_payload,
)


def _image_bytes(number: int, image_format: str) -> bytes:
    image = Image.new("RGB", (40 + number, 30), (number * 20 % 256, 80, 200 - number * 10))
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def _ark_payload(pointers: list[str]) -> dict[str, object]:
    image: object = pointers[0] if len(pointers) == 1 else pointers
    return {"model": "seedream-4-0-250828", "prompt": "a poster", "image": image, "size": "2K"}


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
@pytest.mark.parametrize("count", [1, 10])
def test_stored_resolved_stored_round_trip_is_lossless(image_format: str, count: int) -> None:
    store = InMemoryReferenceStore()
    pointers = [store.put(_image_bytes(number, image_format)) for number in range(count)]
    stored = _ark_payload(pointers)

    resolved = resolve_payload(stored, store)
    assert pointerize_payload(resolved, InMemoryReferenceStore()) == stored


@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
@pytest.mark.parametrize("count", [1, 10])
def test_resolved_stored_resolved_round_trip_is_byte_identical(
    image_format: str, count: int
) -> None:
    source = InMemoryReferenceStore()
    originals = [_image_bytes(number, image_format) for number in range(count)]
    resolved = resolve_payload(_ark_payload([source.put(data) for data in originals]), source)

    store = InMemoryReferenceStore()
    again = resolve_payload(pointerize_payload(resolved, store), store)

    assert again == resolved
    entries = again["image"] if isinstance(again["image"], list) else [again["image"]]
    assert [decode_data_uri(entry)[1] for entry in entries] == originals


def test_resolve_payload_writes_lower_case_data_uris_of_the_exact_bytes() -> None:
    store = InMemoryReferenceStore()
    png, jpeg = _image_bytes(1, "PNG"), _image_bytes(2, "JPEG")
    resolved = resolve_payload(_ark_payload([store.put(png), store.put(jpeg)]), store)

    assert resolved["image"][0].startswith("data:image/png;base64,")
    assert resolved["image"][1].startswith("data:image/jpeg;base64,")
    assert decode_data_uri(resolved["image"][0]) == ("image/png", png)


def test_resolve_payload_handles_fal_and_openai_shapes_and_passes_urls_through() -> None:
    store = InMemoryReferenceStore()
    pointer = store.put(_image_bytes(3, "PNG"))
    url = "https://example.com/a.png?sig=a%2Fb&x=1"
    fal = {"prompt": "p", "image_urls": [pointer, url]}
    openai = {"input": {"prompt": "p", "image": [url, pointer]}}

    resolved_fal = resolve_payload(fal, store)
    resolved_openai = resolve_payload(openai, store)

    assert resolved_fal["image_urls"][0].startswith("data:image/png;base64,")
    assert resolved_fal["image_urls"][1] == url
    assert resolved_openai["input"]["image"][0] == url
    assert resolved_openai["input"]["image"][1].startswith("data:image/png;base64,")


def test_resolve_payload_does_not_change_the_stored_payload() -> None:
    store = InMemoryReferenceStore()
    stored = _ark_payload([store.put(_image_bytes(1, "PNG")), store.put(_image_bytes(2, "PNG"))])
    snapshot = {**stored, "image": list(stored["image"])}  # type: ignore[call-overload]

    resolve_payload(stored, store)

    assert stored == snapshot


def test_resolve_payload_names_the_missing_pointer() -> None:
    missing = pointer_for(b"never stored")

    with pytest.raises(ReferenceNotFound) as raised:
        resolve_payload(_ark_payload([missing]), InMemoryReferenceStore())

    assert missing in str(raised.value)
    assert raised.value.field == "references"
    assert isinstance(raised.value, InvalidSpec)


def test_pointerize_payload_refuses_a_malformed_data_uri() -> None:
    with pytest.raises(InvalidSpec, match="base64"):
        pointerize_payload({"image": "data:image/png;base64,@@@"}, InMemoryReferenceStore())


def test_in_memory_store_refuses_bytes_that_are_not_an_image() -> None:
    with pytest.raises(InvalidSpec, match="not a PNG"):
        InMemoryReferenceStore().put(b"hello, I am a text file")


def test_put_is_idempotent_and_content_addressed() -> None:
    store = InMemoryReferenceStore()
    data = _image_bytes(4, "JPEG")

    assert store.put(data) == store.put(data) == pointer_for(data)
    assert len(store) == 1
    assert store.content_type(pointer_for(data).removeprefix("sha256:")) == "image/jpeg"


def test_payload_pointers_lists_pointers_in_order() -> None:
    first, second = pointer_for(b"1"), pointer_for(b"2")
    payload = {"image": [second, "https://example.com/x.png", first]}

    assert payload_pointers(payload) == (second, first)


def test_reference_storage_path_is_derived_from_the_digest() -> None:
    digest = pointer_for(b"x").removeprefix("sha256:")

    assert reference_storage_path(digest) == f"references/{digest[:2]}/{digest[2:4]}/{digest}"
    with pytest.raises(ValueError, match="sha256"):
        reference_storage_path("../../etc/passwd")
