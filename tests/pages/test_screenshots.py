"""The script writing the README's screenshots works (here into a temporary directory)."""

from __future__ import annotations

from pathlib import Path

from tests.pages.screenshots import OUT, SHOTS, capture

PNG = b"\x89PNG\r\n\x1a\n"


async def test_the_screenshots_of_the_readme_can_be_taken(api_url: str, tmp_path: Path) -> None:
    written = await capture(api_url, tmp_path)
    assert [path.name for path in written] == [shot.name for shot in SHOTS]
    for path in written:
        data = path.read_bytes()
        assert data.startswith(PNG), path
        assert len(data) > 20_000, path
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert width >= 1200, (path.name, width)
        assert 400 <= height <= 4000, (path.name, height)
    # the committed pictures are the ones the README shows
    readme = (OUT.parents[1] / "README.md").read_text(encoding="utf-8")
    for shot in SHOTS:
        assert (OUT / shot.name).is_file()
        assert f"docs/screenshots/{shot.name}" in readme
