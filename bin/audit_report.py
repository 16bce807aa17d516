"""Read pip-audit's JSON report for bin/audit and decide: vulnerable (1), clean (0), SKIPPED (0).

Usage: audit_report.py REPORT_JSON PIP_AUDIT_EXIT_STATUS STDERR_FILE
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# What a failed connection to the vulnerability service looks like in pip-audit's traceback.
OFFLINE_SIGNS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Failed to establish a new connection",
    "timed out",
    "Temporary failure in name resolution",
)


def decide(report_text: str, status: int, errors: str) -> tuple[int, str]:
    try:
        report = json.loads(report_text)
    except ValueError:
        if any(sign in errors for sign in OFFLINE_SIGNS):
            return 0, "pip-audit: SKIPPED (the vulnerability service is unreachable)"
        return status or 1, f"pip-audit failed:\n{errors.strip()}"
    dependencies = report.get("dependencies", [])
    vulnerable = [
        f"  {dep['name']} {dep.get('version', '?')}: {vuln['id']}"
        f" (fixed in {', '.join(vuln.get('fix_versions') or []) or 'no release yet'})"
        for dep in dependencies
        for vuln in dep.get("vulns", [])
    ]
    if vulnerable:
        return 1, "pip-audit: known vulnerabilities in pinned requirements:\n" + "\n".join(
            vulnerable
        )
    audited = [dep for dep in dependencies if not dep.get("skip_reason")]
    if not audited:
        return 0, (
            "pip-audit: SKIPPED (the vulnerability service audited none of the "
            f"{len(dependencies)} pinned packages: offline, or a mirror without advisory data)"
        )
    skipped = len(dependencies) - len(audited)
    note = f", {skipped} not found by the service" if skipped else ""
    return 0, f"pip-audit: {len(audited)} pinned packages, no known vulnerabilities{note}"


def main() -> int:
    report_path, status, errors_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    code, message = decide(
        Path(report_path).read_text(), status, Path(errors_path).read_text(errors="replace")
    )
    print(message, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main())
