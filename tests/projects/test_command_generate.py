"""`manage.py generate`: one generation from the command line, or its exact body (--dry-run)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from projects.providers.local import LocalProvider

MANAGE_PY = Path(__file__).resolve().parents[2] / "manage.py"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection beyond loopback."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            raise AssertionError(f"test tried to reach {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def png_reference(tmp_path: Path) -> Path:
    path = tmp_path / "product.png"
    Image.new("RGB", (320, 240), (200, 40, 40)).save(path, "PNG")
    return path


def _run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("generate", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_dry_run_prints_the_exact_body_with_data_uris_and_sends_nothing(
    png_reference: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("dry run submitted")

    monkeypatch.setattr(LocalProvider, "submit", refuse)
    out = tmp_path / "out"

    stdout, _ = _run(
        "--provider", "local", "--prompt", "A poster #0A3D62", "--reference", str(png_reference),
        "--size", "1280x720", "--seed", "3", "--no-watermark", "--dry-run", "--out", str(out),
    )  # fmt: skip

    data_uri = "data:image/png;base64," + base64.b64encode(png_reference.read_bytes()).decode()
    assert json.loads(stdout) == {
        "model": "brandkit-local-preview-1",
        "prompt": "A poster #0A3D62",
        "image": data_uri,
        "size": "1280x720",
        "sequential_image_generation": "disabled",
        "response_format": "b64_json",
        "watermark": False,
        "seed": 3,
    }
    assert not out.exists()


def test_dry_run_for_a_hosted_provider_needs_no_key_and_embeds_references(
    png_reference: Path, settings: object
) -> None:
    settings.ARK_API_KEY = ""  # type: ignore[attr-defined]

    stdout, _ = _run(
        "--provider", "ark", "--prompt", "p", "--reference", str(png_reference),
        "--reference", "https://example.com/b.png", "--dry-run",
    )  # fmt: skip

    body = json.loads(stdout)
    images = body["image"]
    assert (
        images[0].startswith("data:image/png;base64,") and images[1] == "https://example.com/b.png"
    )
    assert body["model"] == settings.ARK_MODEL  # type: ignore[attr-defined]


def test_webp_references_are_sent_as_png(tmp_path: Path) -> None:
    path = tmp_path / "logo.webp"
    Image.new("RGBA", (64, 64), (0, 128, 255, 128)).save(path, "WEBP", lossless=True)

    stdout, _ = _run("--provider", "local", "--prompt", "p", "--reference", str(path), "--dry-run")

    image = json.loads(stdout)["image"]
    assert image.startswith("data:image/png;base64,")
    decoded = Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1])))
    assert decoded.format == "PNG" and decoded.getpixel((10, 10)) == (0, 128, 255, 128)


def test_local_provider_writes_each_image_with_its_size_and_hash(tmp_path: Path) -> None:
    stdout, _ = _run(
        "--provider", "local", "--prompt", "Three summer posters", "--size", "1280x720",
        "--max-images", "3", "--seed", "9", "--out", str(tmp_path),
    )  # fmt: skip

    files = sorted(tmp_path.glob("*.jpg"))
    assert len(files) == 3
    request_id = files[0].name.rsplit("-", 1)[0]
    assert [file.name for file in files] == [f"{request_id}-{index}.jpg" for index in range(3)]
    for file in files:
        assert Image.open(file).size == (1280, 720)
        assert f"{file}  1280x720" in stdout
        assert f"sha256:{hashlib.sha256(file.read_bytes()).hexdigest()}" in stdout
    assert f"request_id={request_id} billed_images=3" in stdout


def test_local_provider_uses_reference_files(png_reference: Path, tmp_path: Path) -> None:
    _run(
        "--provider", "local", "--prompt", "Edit it", "--reference", str(png_reference),
        "--size", "1280x720", "--out", str(tmp_path),
    )  # fmt: skip

    assert len(list(tmp_path.glob("local-*-0.jpg"))) == 1


def test_a_text_file_renamed_png_fails_with_one_clear_line_and_nonzero_exit(tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_text("this is not an image\n")

    completed = subprocess.run(
        [sys.executable, str(MANAGE_PY), "generate", "--provider", "local", "--prompt", "p",
         "--reference", str(fake), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "brandkit.settings_test"},
        timeout=60,
        check=False,
    )  # fmt: skip

    assert completed.returncode != 0
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert "fake.png: This file is not a supported image" in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_missing_reference_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"cannot read reference .*missing\.png"):
        _run("--provider", "local", "--prompt", "p", "--reference", str(tmp_path / "missing.png"))


@pytest.mark.parametrize("size", ["800x800", "big", "0x0"])
def test_an_invalid_size_is_a_clear_error(size: str) -> None:
    with pytest.raises(CommandError, match=r"local: invalid request: size"):
        _run("--provider", "local", "--prompt", "p", "--size", size)


def test_too_many_images_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="max_images must be between 1 and 15"):
        _run("--provider", "local", "--prompt", "p", "--max-images", "16")


@pytest.mark.parametrize(
    ("provider", "variable"),
    [("ark", "ARK_API_KEY"), ("fal", "FAL_KEY"), ("openai", "OPENAI_COMPAT_API_KEY")],
)
def test_a_hosted_provider_without_a_key_names_the_missing_variable(
    provider: str, variable: str, settings: object, tmp_path: Path
) -> None:
    setattr(settings, variable, "")

    with pytest.raises(CommandError, match=variable):
        _run("--provider", provider, "--prompt", "p", "--out", str(tmp_path))

    assert not list(tmp_path.iterdir())


def _gps_jpeg(path: Path, size: tuple[int, int] = (320, 240)) -> Path:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 22.0, 1.0)
    gps[3], gps[4] = "E", (4.0, 53.0, 2.0)
    Image.new("RGB", size, (20, 90, 160)).save(path, "JPEG", exif=exif)
    with Image.open(path) as check:
        assert check.getexif().get_ifd(0x8825)  # the file really carries a GPS block
    return path


def _dry_run_body(*args: str) -> dict[str, object]:
    stdout, _ = _run("--provider", "ark", "--dry-run", *args)
    return json.loads(stdout)


def test_a_local_reference_is_sent_without_its_gps_block(tmp_path: Path) -> None:
    path = _gps_jpeg(tmp_path / "shot.jpg")
    body = _dry_run_body("--prompt", "p", "--reference", str(path))
    sent = base64.b64decode(str(body["image"]).partition(",")[2])
    with Image.open(io.BytesIO(sent)) as image:
        assert image.size == (320, 240)
        assert not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info
    assert b"GPS" not in sent


def test_a_20x8000_reference_is_refused_by_the_aspect_limit(tmp_path: Path) -> None:
    path = tmp_path / "strip.png"
    Image.new("RGB", (20, 8000), (0, 0, 0)).save(path, "PNG")
    with pytest.raises(CommandError) as caught:
        _dry_run_body("--prompt", "p", "--reference", str(path))
    assert "strip.png" in str(caught.value)
    assert "aspect ratio must be between 1:16 and 16:1" in str(caught.value)


def test_a_reference_over_the_models_side_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGB", (6400, 400), (0, 0, 0)).save(path, "PNG")
    with pytest.raises(CommandError) as caught:
        _dry_run_body(
            "--model", "dola-seedream-5-0-pro-260628", "--prompt", "p", "--reference", str(path)
        )
    assert "Seedream 5.0 Pro takes references of at most 6000 pixels a side" in str(caught.value)
    # The same file is fine for 4.0, which has no side limit beyond the upload's.
    assert _dry_run_body("--prompt", "p", "--reference", str(path))["image"]


def test_model_option_builds_that_models_body(tmp_path: Path) -> None:
    body = _dry_run_body(
        "--model", "seedream-5-5-261028", "--prompt", "p", "--background", "transparent"
    )
    assert body == {
        "model": "seedream-5-5-261028",
        "prompt": "p",
        "size": "2K",
        "output_format": "png",
        "background": "transparent",
        "response_format": "b64_json",
        "watermark": True,
    }


def test_model_limits_are_refused_with_the_models_words() -> None:
    with pytest.raises(CommandError) as caught:
        _dry_run_body("--model", "seedream-5-5-261028", "--prompt", "p", "--max-images", "3")
    assert "Seedream 5.5 makes one image per request; ask for 3 variants instead" in str(
        caught.value
    )
    with pytest.raises(CommandError) as caught:
        _dry_run_body("--model", "ep-unmapped-1", "--prompt", "p")
    assert "BRANDKIT_MODEL_MAP=ep-unmapped-1=seedream-5-5-261028" in str(caught.value)
