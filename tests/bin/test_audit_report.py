"""bin/audit's verdict on pip-audit's report: a finding fails, an unreachable service skips."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "audit_report", Path(__file__).resolve().parents[2] / "bin" / "audit_report.py"
)
audit_report = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(audit_report)


def report(*dependencies: dict) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_known_vulnerability_fails_and_names_the_fix() -> None:
    code, message = audit_report.decide(
        report(
            {
                "name": "django",
                "version": "5.2.1",
                "vulns": [{"id": "GHSA-x", "fix_versions": ["5.2.2"]}],
            },
            {"name": "httpx", "version": "0.28.1", "vulns": []},
        ),
        1,
        "",
    )
    assert code == 1
    assert "django 5.2.1: GHSA-x (fixed in 5.2.2)" in message


def test_a_clean_report_passes() -> None:
    code, message = audit_report.decide(
        report({"name": "httpx", "version": "0.28.1", "vulns": []}), 0, ""
    )
    assert (code, message) == (0, "pip-audit: 1 pinned packages, no known vulnerabilities")


def test_an_unreachable_service_is_skipped_not_failed() -> None:
    errors = "requests.exceptions.ConnectionError: Max retries exceeded (NameResolutionError)"
    code, message = audit_report.decide("", 1, errors)
    assert code == 0 and "SKIPPED" in message


def test_a_service_that_audited_nothing_is_skipped() -> None:
    code, message = audit_report.decide(
        report({"name": "django", "skip_reason": "Dependency not found on PyPI"}), 0, ""
    )
    assert code == 0 and "SKIPPED" in message


def test_any_other_failure_fails() -> None:
    code, message = audit_report.decide("", 2, "usage: pip-audit: bad option")
    assert code == 2 and "bad option" in message
