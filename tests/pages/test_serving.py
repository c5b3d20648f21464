"""How the pages are served: the shell at every page URL, static files with their content
types and cache headers, a strict Content Security Policy. (HTTP only, no browser.)"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest

from api.pages import PAGE_PATHS, PAGES_DIR


@pytest.fixture(autouse=True)
def _settle() -> Iterator[None]:
    yield
    # the server's thread logs a request just after answering it: let it finish while this
    # test's output is still captured
    time.sleep(0.1)


@pytest.mark.parametrize("path", [p.replace("{id}", "some-id") for p in PAGE_PATHS])
def test_every_page_url_answers_the_shell(api_url: str, path: str) -> None:
    response = httpx.get(api_url + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<main id="main"' in response.text
    assert "{{static}}" not in response.text
    # revalidation
    again = httpx.get(api_url + path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert httpx.head(api_url + path).status_code == 200


def test_static_files_have_their_types_and_are_cached_by_version(api_url: str) -> None:
    shell = httpx.get(api_url + "/ui/").text
    prefix = re.search(r'src="(/ui/static/[0-9a-f]{12})/app.js"', shell)
    assert prefix is not None
    base = prefix.group(1)
    expected = {
        "app.js": "text/javascript; charset=utf-8",
        "app.css": "text/css; charset=utf-8",
        "favicon.svg": "image/svg+xml",
        "views/journey.js": "text/javascript; charset=utf-8",
    }
    for name, content_type in expected.items():
        response = httpx.get(f"{api_url}{base}/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == content_type
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.content == (PAGES_DIR / "static" / name).read_bytes()
    # another version still gets the file, but not for keeps
    old = httpx.get(f"{api_url}/ui/static/000000000000/app.js")
    assert old.status_code == 200
    assert old.headers["cache-control"] == "no-cache"
    assert httpx.get(f"{api_url}{base}/nothing.js").status_code == 404
    assert httpx.get(f"{api_url}{base}/..%2F..%2Fpages.py").status_code == 404  # not a way out


def test_every_static_file_is_referenced_from_the_pages() -> None:
    static = PAGES_DIR / "static"
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [PAGES_DIR / "index.html", *static.rglob("*.js")]
    )
    for path in static.rglob("*"):
        if path.is_file():
            assert path.name in sources, f"{path.relative_to(static)} is not used"


def test_ui_without_a_slash_redirects(api_url: str) -> None:
    response = httpx.get(api_url + "/ui")
    assert response.status_code == 308
    assert response.headers["location"] == "/ui/"
