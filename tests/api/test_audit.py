"""The GraphQL over HTTP spec audit of graphql-http, run by node against the real server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

AUDIT_DIR = Path(__file__).parent / "audit"
INSTALL_HINT = "run `npm ci --prefix tests/api/audit`"


def run_audit(url: str) -> list[dict[str, Any]]:
    """The audit results for the GraphQL endpoint at `url` (see audit/audit.mjs)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"node is not on PATH; install Node.js, then {INSTALL_HINT}")
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        pytest.fail(f"the audit's npm packages are missing: {INSTALL_HINT}")
    done = subprocess.run(
        [node, str(AUDIT_DIR / "audit.mjs"), url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def test_graphql_over_http_audit_has_no_failure(api_url: str) -> None:
    results = run_audit(f"{api_url}/graphql")
    assert len(results) > 50  # the whole suite ran
    counts = {s: sum(r["status"] == s for r in results) for s in ("ok", "notice", "warn", "error")}
    print("graphql-http audit:", ", ".join(f"{n} {s}" for s, n in counts.items()))
    for result in results:
        if result["status"] != "ok":
            print(f"{result['status']}: {result['name']} — {result['reason']}")
    failures = [r for r in results if r["status"] == "error"]
    assert failures == [], json.dumps(failures, indent=2)
