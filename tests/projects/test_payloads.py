"""Prompt templates are user text: filling one never interprets format specs or attributes."""

from __future__ import annotations

from projects.payloads import SlotRule, fill_prompt_template

RULES = [SlotRule(key="product", label="Product", max_characters=40)]


def test_format_specs_and_conversions_in_a_template_do_nothing() -> None:
    filled = fill_prompt_template(
        "A {product:>99999} and {product!r}, {{literal}}", {"product": "cold brew"}, RULES
    )
    assert filled == "A cold brew and cold brew, {literal}"


def test_slot_values_are_never_parsed_as_templates() -> None:
    filled = fill_prompt_template("A poster of {product}", {"product": "{0} {product}"}, RULES)
    assert filled == "A poster of {0} {product}"
