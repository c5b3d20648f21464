"""Screenshots of the pages for the README, taken from the demo company.

    .venv/bin/python -m tests.pages.screenshots                 # writes docs/screenshots/*.png
    .venv/bin/python -m tests.pages.screenshots --url http://127.0.0.1:8000 --out /tmp/shots

Without `--url` it loads the demo company into an embedded engine of its own (in a temporary
directory) and serves it; with `--url` it uses a running server in demo mode. It needs
Chromium, like the page tests.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import FloatRect, Page, async_playwright

from tests.pages.browser import ChromiumMissing, launch, offline_context, show

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    start: str | None
    """The selector of the first element in the picture (None: the top of the page)."""
    until: str
    """The selector of the last element in the picture: the page is cut below it."""
    width: int = 1360


SHOTS = (
    Shot("journey-blueprint.png", "/ui/journeys/j-broadband", "#blueprint", "#blueprint", 1680),
    Shot("pain-point-graph.png", "/ui/pain-points/pp-switch-hidden-fees", None, "#teams figure"),
)


async def _box(page: Page, selector: str) -> FloatRect:
    box = await page.locator(selector).bounding_box()
    if box is None:
        raise RuntimeError(f"{page.url} has no {selector}")
    return box


async def _take(page: Page, shot: Shot, out: Path) -> Path:
    await page.set_viewport_size({"width": shot.width, "height": 900})
    state = await show(page, shot.path)
    if state != "ready":
        raise RuntimeError(f"{shot.path} did not load (state {state!r})")
    await page.mouse.move(0, 0)  # no hover highlight in the picture
    top = (await _box(page, shot.start))["y"] - 16 if shot.start else 0
    end = await _box(page, shot.until)
    width = await page.evaluate("document.documentElement.clientWidth")
    target = out / shot.name
    clip: FloatRect = {
        "x": 0,
        "y": top,
        "width": width,
        "height": end["y"] + end["height"] + 16 - top,
    }
    await page.screenshot(path=target, full_page=True, clip=clip)
    return target


async def capture(base_url: str, out: Path = OUT) -> list[Path]:
    """Write every screenshot of `SHOTS` into `out`; the files written."""
    out.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as driver:
        browser = await launch(driver)
        try:
            context = await offline_context(
                browser, base_url, viewport={"width": 1360, "height": 900}
            )
            page = await context.new_page()
            return [await _take(page, shot, out) for shot in SHOTS]
        finally:
            await browser.close()


@contextmanager
def _serving(data_dir: Path) -> Iterator[str]:
    from api.app import create_app
    from api.settings import ApiSettings
    from queries.settings import StoreSettings
    from tests.conftest import served

    settings = ApiSettings(_env_file=None, demo=True, log_level="WARNING")
    store = StoreSettings(engine="falkordb", data_dir=data_dir, graph="demo")
    with served(create_app(settings, store)) as url:
        yield url


async def _with_demo(out: Path) -> list[Path]:
    from loaders.pipeline import demo_sources, load
    from queries.embedded import EmbeddedEngine
    from queries.falkor import FalkorStore

    data_dir = Path(tempfile.mkdtemp(prefix="cxg-shots-", dir="/tmp"))  # short: a unix socket
    try:
        store = await FalkorStore.open(EmbeddedEngine(data_dir), "demo")
        try:
            await store.apply_schema()
            await load(store, demo_sources(), agent="screenshots")
            with _serving(data_dir) as url:
                return await capture(url, out)
        finally:
            await store.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.pages.screenshots", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--url", help="a running server in demo mode (default: serve the demo here)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default: {OUT})")
    args = parser.parse_args(argv)
    try:
        written = asyncio.run(capture(args.url, args.out) if args.url else _with_demo(args.out))
    except ChromiumMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
