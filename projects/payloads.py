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
    for _literal, name, _spec, _conversion in string.Formatter().parse(prompt_template):
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
    return prompt_template.format(**values)


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
