"""The built-in web pages under `/ui/`: journeys, pain points, teams, systems and more.

The pages are static files in `api/pages/`: one HTML shell for every page URL, and ES
modules and CSS under `/ui/static/<version>/` that read everything they show from the
public GraphQL API (`/graphql`), like any other portal would. Nothing is built and nothing
is fetched from elsewhere at run time.

- The shell (`index.html`) is answered for each page URL (`/ui/`, `/ui/journeys/{id}`, ...);
  the browser picks the view from the URL, so every URL works when loaded directly. It is
  revalidated on each load (`no-cache` and an ETag).
- Static files are addressed by a version, a hash of their content, and cached for a year
  (`immutable`); a new version of the files gets new URLs. A request for another version
  gets the current file, not cached.
- The shell needs no credentials (the data does: the pages ask for an API key when
  `/graphql` answers 401), and carries a strict Content Security Policy: scripts, styles and
  requests only from this origin.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

__all__ = ["PAGES_DIR", "PAGE_PATHS", "pages_router"]

PAGES_DIR = Path(__file__).parent / "pages"
"""The shell (`index.html`) and `static/`, the files it loads."""

PAGE_PATHS = (
    "/ui/",
    "/ui/journeys/{id}",
    "/ui/pain-points/{id}",
    "/ui/teams/{id}",
    "/ui/systems/{id}",
    "/ui/processes/{id}",
    "/ui/personas/{id}",
    "/ui/opportunities/{id}",
    "/ui/people/{id}",
    "/ui/channels/{id}",
    "/ui/needs/{id}",
    "/ui/touchpoints/{id}",  # opens the journey page at the touchpoint
    "/ui/stages/{id}",  # opens the journey page at the stage
)
"""Every page URL: each answers the shell, which shows the page its URL names."""

_CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}

_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_SECURITY_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_IMMUTABLE = "public, max-age=31536000, immutable"
_REVALIDATE = "no-cache"


@dataclass(frozen=True, slots=True)
class _File:
    body: bytes
    content_type: str
    etag: str


@dataclass(frozen=True, slots=True)
class _Assets:
    version: str
    shell: _File
    files: dict[str, _File]


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@cache
def _assets(directory: Path) -> _Assets:
    """The shell and the static files of `directory`, read once (on the first request)."""
    static = directory / "static"
    files: dict[str, _File] = {}
    digest = hashlib.sha256()
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        content_type = _CONTENT_TYPES.get(path.suffix)
        if content_type is None:
            continue  # only known kinds of file are served
        name = path.relative_to(static).as_posix()
        body = path.read_bytes()
        files[name] = _File(body, content_type, _etag(body))
        digest.update(name.encode() + b"\0" + body + b"\0")
    version = digest.hexdigest()[:12]
    template = (directory / "index.html").read_text(encoding="utf-8")
    shell = template.replace("{{static}}", f"/ui/static/{version}").encode()
    return _Assets(version, _File(shell, "text/html; charset=utf-8", _etag(shell)), files)


def _answer(request: Request, file: _File, cache_control: str) -> Response:
    headers = {"ETag": file.etag, "Cache-Control": cache_control, **_SECURITY_HEADERS}
    if file.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(file.body, media_type=file.content_type, headers=headers)


def pages_router(directory: Path = PAGES_DIR) -> APIRouter:
    """The routes of the pages: the shell at each page URL, and the static files."""
    router = APIRouter(include_in_schema=False)

    def page(request: Request) -> Response:
        # The page's id is in the URL; the browser reads it from there.
        return _answer(request, _assets(directory).shell, _REVALIDATE)

    for path in PAGE_PATHS:
        router.add_api_route(path, page, methods=["GET", "HEAD"], name=f"page {path}")

    @router.get("/ui")
    def ui_root() -> RedirectResponse:
        return RedirectResponse("/ui/", status_code=308)

    @router.api_route("/ui/static/{version}/{name:path}", methods=["GET", "HEAD"])
    def static_file(request: Request, version: str, name: str) -> Response:
        assets = _assets(directory)
        file = assets.files.get(name)
        if file is None:
            return Response("Not found", status_code=404, media_type="text/plain")
        current = version == assets.version
        return _answer(request, file, _IMMUTABLE if current else _REVALIDATE)

    return router
