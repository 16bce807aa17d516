"""CSV-driven batches: one row per poster, every row checked before anything is queued.

The columns are the template's slot keys, plus optional `variants`, `size` (as the generation
form takes it, e.g. 2K or 2048x2048) and `references` (captions of reference images of the
brand's published packs, separated by `|`). Each row is checked exactly as a single request is
(slot lengths, forbidden terms, text that must fit, provider limits); if any row or the header is
wrong, the plan lists every problem by line and nothing is saved. Otherwise all rows are saved
as one tracked batch, under one budget check.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from brandkit.choices import VersionStatus
from brandkit.csv_cells import csv_line
from brandkit.models import PosterTemplate, ReferenceImage
from projects.exceptions import GenerationRefused
from projects.models import Campaign, Generation
from projects.services.generation_requests import (
    GenerationInput,
    PreparedRequest,
    generation_prepare,
    generations_save,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MAX_CSV_BYTES = 1_000_000
MAX_ROWS = 500
OPTIONAL_COLUMNS = ("variants", "size", "references")
REFERENCE_SEPARATOR = "|"
DEFAULT_SIZE = "2K"


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    prepared: PreparedRequest | None = None
    # The CSV column each error is about (None: the row as a whole), in step with `errors`.
    error_columns: list[str | None] = field(default_factory=list)

    def fail(self, message: str, column: str | None = None) -> None:
        self.errors.append(message)
        self.error_columns.append(column)

    def problems(self) -> list[tuple[str | None, str]]:
        columns = self.error_columns + [None] * (len(self.errors) - len(self.error_columns))
        return list(zip(columns, self.errors, strict=True))


@dataclass
class CsvBatchPlan:
    template: PosterTemplate
    columns: list[str] = field(default_factory=list)
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(len(row.errors) for row in self.rows)


def template_columns(template: PosterTemplate) -> list[str]:
    return [slot.key for slot in template.text_slots.all()]


def csv_template(*, template: PosterTemplate) -> str:
    """The CSV a marketer fills in for `template`: its header, and one row of slot labels."""
    slots = list(template.text_slots.all())
    header = [slot.key for slot in slots] + list(OPTIONAL_COLUMNS)
    example = [f"{slot.label} (up to {slot.max_characters} characters)" for slot in slots]
    return csv_line(header) + csv_line([*example, "1", DEFAULT_SIZE, ""])


def _reference_ids(campaign: Campaign, names: str) -> tuple[list[int], list[str]]:
    wanted = [name.strip() for name in names.split(REFERENCE_SEPARATOR) if name.strip()]
    ids: list[int] = []
    errors: list[str] = []
    for name in wanted:
        matches = list(
            ReferenceImage.objects.filter(
                pack__brand_id=campaign.brand_id,
                pack__status=VersionStatus.PUBLISHED,
                caption__iexact=name,
            ).values_list("pk", flat=True)[:2]
        )
        if not matches:
            errors.append(f"No reference image of a published pack is called “{name}”.")
        elif len(matches) > 1:
            errors.append(f"More than one reference image is called “{name}”; rename one.")
        else:
            ids.append(matches[0])
    return ids, errors


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def csv_batch_check(
    *, campaign: Campaign, template: PosterTemplate, data: bytes, user: AbstractBaseUser
) -> CsvBatchPlan:
    """Read and check every row of an uploaded CSV; saves nothing."""
    plan = CsvBatchPlan(template=template)
    if len(data) > MAX_CSV_BYTES:
        plan.errors.append(f"The file is larger than {MAX_CSV_BYTES // 1_000_000} MB.")
        return plan
    text = _decode(data)
    if text is None:
        plan.errors.append("The file is not UTF-8 text; save it as “CSV UTF-8”.")
        return plan
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        plan.errors.append("The file is empty: it needs a header row and one row per poster.")
        return plan
    columns = [name.strip().lower() for name in header]
    plan.columns = columns
    slots = template_columns(template)
    allowed = set(slots) | set(OPTIONAL_COLUMNS)
    unknown = [name for name in columns if name not in allowed]
    if unknown:
        plan.errors.append(
            "Unknown column(s): "
            + ", ".join(unknown)
            + ". Use the template's slot keys ("
            + ", ".join(slots)
            + ") and optionally "
            + ", ".join(OPTIONAL_COLUMNS)
            + "."
        )
    missing = [key for key in slots if key not in columns]
    if missing:
        plan.errors.append("Missing column(s): " + ", ".join(missing) + ".")
    if len(set(columns)) != len(columns):
        plan.errors.append("A column appears twice.")
    if plan.errors:
        return plan
    try:
        for line_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(plan.rows) >= MAX_ROWS:
                plan.errors.append(f"A batch holds at most {MAX_ROWS} rows.")
                return plan
            if len(cells) != len(columns):
                plan.rows.append(
                    CsvRow(
                        line_number,
                        {},
                        [f"This row has {len(cells)} cells; the header has {len(columns)}."],
                    )
                )
                continue
            values = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
            plan.rows.append(_check_row(campaign, template, line_number, values, user))
    except csv.Error as exc:
        plan.errors.append(f"The CSV could not be read: {exc}.")
    if not plan.rows and not plan.errors:
        plan.errors.append("The file has a header but no rows.")
    return plan


def _check_row(
    campaign: Campaign,
    template: PosterTemplate,
    line: int,
    values: dict[str, str],
    user: AbstractBaseUser,
) -> CsvRow:
    row = CsvRow(line, values)
    variants_text = values.get("variants") or "1"
    if not variants_text.isdigit():
        row.fail(f"variants must be a whole number, not “{variants_text}”.", "variants")
        return row
    reference_ids, reference_errors = _reference_ids(campaign, values.get("references", ""))
    for message in reference_errors:
        row.fail(message, "references")
    if row.errors:
        return row
    generation_input = GenerationInput(
        campaign_id=campaign.pk,
        poster_template_id=template.pk,
        slot_values={key: values[key] for key in template_columns(template)},
        reference_image_ids=tuple(reference_ids),
        size=values.get("size") or DEFAULT_SIZE,
        variants=int(variants_text),
    )
    try:
        row.prepared = generation_prepare(generation_input=generation_input, user=user)
    except GenerationRefused as exc:
        row.fail(exc.message, _column_of(exc.field))
    return row


def _column_of(form_field: str | None) -> str | None:
    """The CSV column a refusal's form field stands for (slot_<key> is the slot's column)."""
    if not form_field:
        return None
    if form_field.startswith("slot_"):
        return form_field.removeprefix("slot_")
    return {"variants": "variants", "size": "size", "reference_images": "references"}.get(
        form_field
    )


def csv_batch_queue(
    *, plan: CsvBatchPlan, user: AbstractBaseUser, label: str = ""
) -> list[Generation]:
    """Save a checked plan as one batch and queue it. Raises ValueError for a plan with errors,
    BudgetExceeded when the whole batch does not fit the budget (nothing is saved then)."""
    if not plan.ok:
        raise ValueError("Only a CSV without errors can be queued.")
    prepared = [row.prepared for row in plan.rows if row.prepared is not None]
    return generations_save(
        prepared=prepared,
        user=user,
        batch_label=label or f"CSV batch: {len(plan.rows)} rows of {plan.template}",
    )
