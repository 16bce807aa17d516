"""Pure functions from a request to what is sent: prompt composition, brand rules, costs, backoff.

No ORM and no I/O here, so every rule is testable on plain values.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal


class PromptRuleViolation(ValueError):
    """The request breaks a brand rule; `field` names what to fix, `message` says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SlotRule:
    key: str
    label: str
    max_characters: int


def fill_prompt_template(
    prompt_template: str, slot_values: Mapping[str, str], slots: Iterable[SlotRule]
) -> str:
    """Put slot values into a template's `{slot}` variables, checking each against its slot."""
    rules = {slot.key: slot for slot in slots}
    values: dict[str, str] = {}
    parsed = list(string.Formatter().parse(prompt_template))
    for _literal, name, _spec, _conversion in parsed:
        if name is None or name in values:
            continue
        value = " ".join(str(slot_values.get(name, "")).split())
        rule = rules.get(name)
        label = rule.label if rule else name
        if not value:
            raise PromptRuleViolation(f"slot_{name}", f"Fill in “{label}”.")
        if rule and len(value) > rule.max_characters:
            raise PromptRuleViolation(
                f"slot_{name}",
                f"“{label}” has {len(value)} characters; the template allows "
                f"{rule.max_characters}.",
            )
        values[name] = value
    # Assembled from the parse, never with str.format: the template is user text, and a format
    # spec or conversion in it (`{product:>99999999}`, `{product.__class__}`) must do nothing.
    return "".join(
        literal + (values[name] if name is not None else "") for literal, name, _s, _c in parsed
    )


def compose_prompt(*, body: str, prefix: str = "", suffix: str = "") -> str:
    """The brand's style descriptors around the request's own words, as one clean line."""
    parts = [" ".join(part.split()) for part in (prefix, body, suffix)]
    return " ".join(part for part in parts if part)


def find_forbidden_terms(texts: Iterable[str], forbidden_terms: Iterable[str]) -> list[str]:
    """Forbidden terms that appear in any text, case-insensitively and as whole words."""
    found: list[str] = []
    joined = "\n".join(texts)
    for term in forbidden_terms:
        pattern = r"(?<!\w)" + re.escape(term.strip()) + r"(?!\w)"
        if term.strip() and re.search(pattern, joined, flags=re.IGNORECASE):
            found.append(term.strip())
    return found


def estimate_cost(*, price_per_image: Decimal, images: int) -> Decimal:
    return (price_per_image * images).quantize(Decimal("0.0001"))


def retry_delay_seconds(
    *,
    attempt: int,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Backoff before the next attempt: exponential (base * 2^(attempt-1), capped) with jitter
    so workers that failed together do not retry together, and never shorter than the
    provider's Retry-After (a provider that names a delay knows better than our guess)."""
    ceiling = min(cap, base * (2 ** max(attempt - 1, 0)))
    delay = (rng or random.SystemRandom()).uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, float(retry_after))
    return delay


@dataclass(frozen=True)
class PayloadChange:
    field: str
    before: str
    after: str


DIFF_FIELDS = (
    "model",
    "prompt",
    "size",
    "seed",
    "watermark",
    "response_format",
    "output_format",
    "background",
)


def _references_of(payload: Mapping[str, object]) -> list[str]:
    value = payload.get("image", payload.get("image_urls", []))
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value] if isinstance(value, list) else []


def payload_diff(
    before: Mapping[str, object], after: Mapping[str, object], *, providers: tuple[str, str]
) -> list[PayloadChange]:
    """What differs between two stored payloads, in words a reviewer reads: prompt, references
    (by position), size, seed, provider and model, group size."""
    changes: list[PayloadChange] = []
    if providers[0] != providers[1]:
        changes.append(PayloadChange("provider", providers[0], providers[1]))
    for name in DIFF_FIELDS:
        if before.get(name) != after.get(name):
            changes.append(PayloadChange(name, _shown(before.get(name)), _shown(after.get(name))))
    refs_before, refs_after = _references_of(before), _references_of(after)
    if refs_before != refs_after:
        changes.append(
            PayloadChange(
                "references",
                _shown_refs(refs_before),
                _shown_refs(refs_after),
            )
        )
    groups = [_group_size(before), _group_size(after)]
    if groups[0] != groups[1]:
        changes.append(PayloadChange("group size", str(groups[0]), str(groups[1])))
    return changes


def _shown(value: object) -> str:
    return "—" if value is None else str(value)


def _shown_refs(references: list[str]) -> str:
    if not references:
        return "none"
    return ", ".join(ref.removeprefix("sha256:")[:10] for ref in references)


def _group_size(payload: Mapping[str, object]) -> int:
    options = payload.get("sequential_image_generation_options")
    if isinstance(options, dict):
        return int(options.get("max_images", 1))
    return int(payload.get("max_images", 1) or 1)  # type: ignore[call-overload]
