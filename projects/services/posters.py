"""Composited posters of versions made from a poster template, with brand checks.

`version_poster_create` draws the poster once per version (a queued job sent when the version is
created; `posters_backfill` for older versions) and stores it content-addressed next to the
outputs. `poster_render` draws any export preset on demand, re-laid out for its size.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from PIL import Image

from brandkit.brand_checks import (
    FAIL,
    WARN,
    CheckResult,
    results_json,
    run_brand_checks,
    worst_status,
)
from brandkit.compositing import RENDERER_VERSION, ComposedPoster, TextDoesNotFit, compose_poster
from brandkit.models import PosterTemplate
from brandkit.services.poster_layouts import TemplateLayout, template_layout
from brandkit.storage import store_content_addressed
from projects.choices import CheckStatus
from projects.models import AssetVersion, VersionPoster
from projects.queue import enqueue_after_commit

logger = logging.getLogger(__name__)

POSTERS_FOLDER = "posters"
_DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


class PosterUnavailable(Exception):
    """A poster cannot be drawn for this version; `message` says why, for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RenderedPoster:
    composed: ComposedPoster
    checks: list[CheckResult]
    source_size: tuple[int, int]


MAX_EDIT_CHAIN = 100


def poster_origin(version: AssetVersion) -> tuple[PosterTemplate, dict[str, str]] | None:
    """The template and slot values a version's poster is drawn from: its own generation's, or,
    for an edit of a poster version (edits carry no template), the nearest ancestor's."""
    current: AssetVersion | None = version
    for _ in range(MAX_EDIT_CHAIN):
        if current is None:
            return None
        generation = current.generation
        if generation.poster_template_id is not None:
            return generation.poster_template, dict(generation.slot_values)
        if current.parent_id is None:
            return None
        current = (
            AssetVersion.objects.select_related("generation__poster_template__brand")
            .filter(pk=current.parent_id)
            .first()
        )
    return None


def _version_for_poster(version_id: int) -> AssetVersion:
    return AssetVersion.objects.select_related(
        "generation__poster_template__brand", "asset__campaign"
    ).get(pk=version_id)


def decode_output(data: bytes) -> Image.Image:
    """A stored output decoded (PosterUnavailable if it cannot be)."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except _DECODE_ERRORS as exc:
        raise PosterUnavailable("The generated image could not be read.") from exc
    return image


def read_output(version: AssetVersion) -> bytes:
    try:
        with default_storage.open(version.image.name, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise PosterUnavailable("The generated image is missing from storage.") from exc


def poster_render(
    *,
    version: AssetVersion,
    size: tuple[int, int] | None = None,
    source: Image.Image | None = None,
    laid_out: TemplateLayout | None = None,
) -> RenderedPoster:
    """Draw the version's poster at the canvas size or re-laid out for `size`, and check it."""
    origin = poster_origin(version)
    if origin is None:
        raise PosterUnavailable("This version was not made from a poster template.")
    template, values = origin
    laid_out = laid_out or template_layout(template=template)
    layout = laid_out.layout if size is None else laid_out.layout.scaled_to(*size)
    source = source if source is not None else decode_output(read_output(version))
    try:
        composed = compose_poster(source, layout, values, laid_out.files)
    except TextDoesNotFit as exc:
        raise PosterUnavailable(exc.message) from exc
    checks = run_brand_checks(
        composed,
        source_size=source.size,
        palette=laid_out.palette,
        thresholds=laid_out.thresholds,
        safe_rect=layout.safe_rect,
        logo_expected=layout.logo is not None,
    )
    if laid_out.missing:
        checks.append(CheckResult("template", "Template assets", WARN, " ".join(laid_out.missing)))
    return RenderedPoster(composed=composed, checks=checks, source_size=source.size)


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # Level 1: about three times faster than the default on a 2048x2048 poster, for larger files.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def version_poster_create(*, version_id: int) -> VersionPoster | None:
    """Draw, check and store the poster of one version; None if it has no template. Safe to run
    twice: an existing poster is returned as it is."""
    existing = VersionPoster.objects.filter(version_id=version_id).first()
    if existing is not None:
        return existing
    version = _version_for_poster(version_id)
    origin = poster_origin(version)
    if origin is None:
        return None
    template = origin[0]
    fields: dict[str, object]
    try:
        rendered = poster_render(version=version)
    except PosterUnavailable as exc:
        fields = {"status": CheckStatus.ERROR, "error": exc.message}
    else:
        data = encode_png(rendered.composed.image)
        name, sha256 = store_content_addressed(data, folder=POSTERS_FOLDER, extension="png")
        statuses = [check.status for check in rendered.checks]
        fields = {
            "image": name,
            "image_sha256": sha256,
            "width": rendered.composed.image.width,
            "height": rendered.composed.image.height,
            "status": worst_status(rendered.checks),
            "warnings": statuses.count(WARN),
            "failures": statuses.count(FAIL),
            "checks": results_json(rendered.checks),
        }
    poster = VersionPoster(
        version=version, template=template, renderer_version=RENDERER_VERSION, **fields
    )
    poster.full_clean()
    try:
        with transaction.atomic():
            poster.save()
    except IntegrityError:  # a concurrent run stored it first
        return VersionPoster.objects.get(version_id=version_id)
    return poster


def version_posters_enqueue(*, versions: Iterable[AssetVersion]) -> None:
    """Queue the poster of each version made from a template (sent after the commit)."""
    from projects.jobs import version_poster_job

    for version in versions:
        # An edit carries no template itself; its poster comes from the version it edits.
        if version.generation.poster_template_id is not None or version.parent_id is not None:
            enqueue_after_commit(version_poster_job, version.pk, job_id=f"poster-{version.pk}")


def posters_missing() -> Iterable[int]:
    """Ids of versions that may have a poster (made from a template, or edits) and have none
    yet, oldest first."""
    return (
        AssetVersion.objects.filter(
            Q(generation__poster_template__isnull=False) | Q(parent__isnull=False),
            poster__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator()
    )
