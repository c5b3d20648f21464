"""The page benchmark runs against the demo server and reports every kind of page.

Only completeness is checked here, never timings: the numbers come from `python -m
benchmarks.pages` against a server on a real scale.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

from benchmarks.pages import main
from tests.pages import demo

PAGES = {
    "home",
    "home #ranking",
    "home #gaps",
    "home #stale",
    "journey",
    "pain point",
    "team",
    "division (largest)",
    "system",
    "system (most dependents)",
}
TIMES = ("content_ms", "shown_ms", "rendered_ms", "graphql_ms", "engine_ms", "graphql_requests")


async def test_every_kind_of_page_is_measured(api_url: str, tmp_path: Path) -> None:
    out = tmp_path / "pages.json"
    samples = 2
    # the command line, as documented; in a thread: it runs its own event loop
    code = await asyncio.to_thread(
        main, ["--url", api_url, "--samples", str(samples), "--items", "1", "--json", str(out)]
    )
    assert code == 0
    result = json.loads(out.read_text())
    assert result["samples"] == samples
    assert set(result["pages"]) == PAGES
    for name, page in result["pages"].items():
        assert page["states"] == {"ready": samples}, name
        assert page["paths"], name
        assert all(path.startswith("/ui/") for path in page["paths"]), name
        for key in TIMES:
            assert page[key]["n"] == samples, (name, key)
            assert set(page[key]) == {"n", "median", "p95", "max"}, (name, key)
        assert page["rendered_ms"]["median"] > 0, name
        assert page["graphql_requests"]["median"] >= 1, name
        assert page["operations"], name
        assert page["slowest"] in page["paths"], name
    # the home page asks the questions about the whole graph only for the sections in view
    assert "StaleItems" not in result["pages"]["home"]["operations"]
    assert "StaleItems" in result["pages"]["home #stale"]["operations"]
    # the largest items were found
    direct = Counter(
        s for row in demo.systems().values() for s in row["depends_on"].split(";") if s
    )
    (hub,) = result["pages"]["system (most dependents)"]["paths"]
    assert direct[hub.removeprefix("/ui/systems/")] == max(direct.values())
    (division,) = result["pages"]["division (largest)"]["paths"]
    assert demo.teams()[division.removeprefix("/ui/teams/")]["kind"] == "division"
