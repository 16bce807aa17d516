"""`python manage.py generate`: one Seedream generation from the command line.

Builds a provider-neutral spec from the options, lets the chosen provider build its exact body,
resolves reference pointers to data URIs, then either prints that body (`--dry-run`) or submits it
and writes each image to `--out`. No database is touched; reference files live in an in-memory
store for the length of the command.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image, UnidentifiedImageError

from brandkit.images import ImageRejected, validate_image_upload
from projects.providers import PROVIDER_NAMES, get_provider
from projects.providers.base import (
    GenerationSpec,
    InvalidSpec,
    ProviderError,
    ProviderResult,
)
from projects.providers.catalog import ModelCapabilities, UnknownModel, resolve_model
from projects.providers.model_rules import check_reference_image
from projects.providers.references import InMemoryReferenceStore, ReferenceStore, resolve_payload

ACCEPTED_REFERENCE_FORMATS = ("PNG", "JPEG", "WEBP")
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
DRY_RUN_API_KEY = "dry-run-sends-nothing"
UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def load_reference(
    value: str, store: ReferenceStore, model: ModelCapabilities | None = None
) -> str:
    """A URL as given, or a local image file checked and cleaned as an upload is, then stored and
    named by its pointer.

    The file goes through the upload validation (`brandkit.images.validate_image_upload`): decoded
    in full (a renamed text file or a truncated image fails here, with its path), re-encoded
    without metadata (EXIF GPS and the rest never leave the machine), within the upload limits
    and the model's own reference limits (bytes, aspect ratio 1:16 to 16:1, longest side).
    """
    if value.startswith(("http://", "https://")):
        return value
    try:
        data = Path(value).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read reference {value}: {error.strerror or error}") from error
    max_bytes = settings.MAX_UPLOAD_BYTES
    if model is not None:
        max_bytes = min(max_bytes, model.max_reference_bytes)
    try:
        image = validate_image_upload(
            data,
            max_bytes=max_bytes,
            max_pixels=settings.MAX_UPLOAD_PIXELS,
            allowed_formats=ACCEPTED_REFERENCE_FORMATS,
            max_aspect_ratio=model.max_aspect if model is not None else 16,
        )
    except ImageRejected as error:
        raise CommandError(f"reference {value}: {_one_line(error.message)}") from error
    if model is not None:
        try:
            check_reference_image(
                model,
                width=image.width,
                height=image.height,
                byte_size=len(image.data),
                name=f"reference {value}",
            )
        except InvalidSpec as error:
            raise CommandError(error.message) from error
    if image.format == "WEBP":
        return store.put(_webp_as_png(image.data))
    return store.put(image.data)


def _webp_as_png(data: bytes) -> bytes:
    """PNG bytes of a WebP image. Ark documents only jpeg and png inputs for Seedream 4.0 (webp
    arrived in a later doc revision), and PNG keeps the pixels and any transparency losslessly."""
    with Image.open(io.BytesIO(data)) as image:
        has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
        buffer = io.BytesIO()
        image.convert("RGBA" if has_alpha else "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def write_images(result: ProviderResult, out: Path) -> list[str]:
    """Write each successful image as `<request_id>-<index>.<ext>`; one report line per file."""
    out.mkdir(parents=True, exist_ok=True)
    stem = UNSAFE_FILENAME_CHARACTERS.sub("_", result.request_id) or "generation"
    lines = []
    for image in result.succeeded:
        data = image.data or b""
        path = out / f"{stem}-{image.index}{EXTENSIONS.get(image.content_type, '.img')}"
        path.write_bytes(data)
        try:
            with Image.open(io.BytesIO(data)) as decoded:
                dimensions = f"{decoded.width}x{decoded.height}"
        except (UnidentifiedImageError, OSError):
            dimensions = "unknown size"
        digest = hashlib.sha256(data).hexdigest()
        lines.append(f"{path}  {dimensions}  {len(data)} bytes  sha256:{digest}")
    return lines


class Command(BaseCommand):
    """Run one generation against any configured provider and write the images to a folder."""

    help = "Run one Seedream generation (any model of the table) and write the images to a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--provider",
            choices=PROVIDER_NAMES,
            default=None,
            help="default: settings.DEFAULT_IMAGE_PROVIDER",
        )
        parser.add_argument(
            "--model",
            default="",
            metavar="ID",
            help="a model id of the Models page (or one BRANDKIT_MODEL_MAP maps); default: the "
            "provider's configured model",
        )
        parser.add_argument("--output-format", choices=("png", "jpeg"), default=None)
        parser.add_argument(
            "--background",
            choices=("auto", "opaque", "transparent"),
            default=None,
            help="where the model supports it; transparent comes back as a PNG with alpha",
        )
        parser.add_argument("--prompt", required=True, metavar="TEXT")
        parser.add_argument(
            "--reference",
            action="append",
            default=[],
            metavar="PATH_OR_URL",
            help="a PNG/JPEG/WebP file or an http(s) URL; repeat, in order",
        )
        parser.add_argument("--size", default="2K", metavar="{1K,1.5K,2K,3K,4K,WxH}")
        parser.add_argument(
            "--max-images",
            type=int,
            default=1,
            metavar="N",
            help="above 1 asks for a group of up to N images",
        )
        parser.add_argument("--response-format", choices=("url", "b64_json"), default="b64_json")
        parser.add_argument(
            "--watermark",
            action=argparse.BooleanOptionalAction,
            default=None,
            help='add the "AI generated" mark (the provider default) or not',
        )
        parser.add_argument("--seed", type=int, default=None, metavar="N")
        parser.add_argument("--out", default="./generated", metavar="DIR")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print the exact JSON body that would be sent, and send nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        provider_name = options["provider"] or settings.DEFAULT_IMAGE_PROVIDER
        if provider_name not in PROVIDER_NAMES:
            raise CommandError(
                f"unknown image provider {provider_name!r} (DEFAULT_IMAGE_PROVIDER); "
                f"choose one of {', '.join(PROVIDER_NAMES)}"
            )
        try:
            self._run(provider_name, options)
        except InvalidSpec as error:
            raise CommandError(
                f"{provider_name}: invalid request: {_one_line(error.message)}"
            ) from error
        except ProviderError as error:
            kind = error.kind.value.replace("_", " ")
            raise CommandError(f"{provider_name}: {kind}: {_one_line(error.message)}") from error
        except ImproperlyConfigured as error:
            raise CommandError(
                f"{provider_name} is not configured: {_one_line(str(error))}"
            ) from error

    def _run(self, provider_name: str, options: dict[str, Any]) -> None:
        # A dry run sends nothing, so it needs no key: a stand-in lets anyone inspect the exact body
        # before configuring a provider (the key is never part of the body).
        overrides: dict[str, Any] = {"api_key": DRY_RUN_API_KEY} if options["dry_run"] else {}
        if options["model"] and provider_name != "local":
            overrides["model"] = options["model"]
        provider = get_provider(provider_name, **overrides)
        model = None
        if provider_name != "local":
            try:
                model = resolve_model(provider.default_model)
            except UnknownModel as error:
                raise CommandError(_one_line(error.message)) from error
        store = InMemoryReferenceStore()
        references = tuple(load_reference(value, store, model) for value in options["reference"])
        spec = GenerationSpec(
            prompt=options["prompt"],
            model=options["model"],
            references=references,
            size=options["size"],
            max_images=options["max_images"],
            response_format=options["response_format"],
            watermark=True if options["watermark"] is None else options["watermark"],
            seed=options["seed"],
            output_format=options["output_format"] or "",
            background=options["background"] or "",
        )
        body = resolve_payload(provider.build_payload(spec), store)
        if options["dry_run"]:
            self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False))
            return
        result = provider.submit(body)
        try:
            lines = write_images(result, Path(options["out"]))
        except OSError as error:
            raise CommandError(f"cannot write images to {options['out']}: {error}") from error
        for line in lines:
            self.stdout.write(line)
        for image in result.failed:
            message = image.error.message if image.error else "no image returned"
            self.stderr.write(f"image {image.index} failed: {_one_line(message)}")
        self.stdout.write(
            f"request_id={result.request_id} billed_images={result.billed_images} "
            f"provider={result.provider} model={result.model}"
        )
        if not result.succeeded:
            raise CommandError(f"{provider_name}: the provider returned no image")
