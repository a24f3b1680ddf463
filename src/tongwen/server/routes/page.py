"""``GET /``: the service's web page, and ``GET /static/{name}``: its script and stylesheet.

The files live in ``tongwen/server/static/`` (package data); only the files of that folder with
a known type are served, with a strict Content-Security-Policy: the page loads nothing from
outside the service. None of these routes is part of the OpenAPI schema.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["CONTENT_TYPES", "SECURITY_HEADERS", "STATIC_DIR", "router"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

#: File suffix -> Content-Type of the files served from ``STATIC_DIR``.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

#: Headers on every page response: same-origin only, no framing, no sniffing, revalidate.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def _file(name: str) -> FileResponse:
    """``STATIC_DIR / name`` with its content type and the security headers; 404 otherwise."""
    path = STATIC_DIR / name
    media_type = CONTENT_TYPES.get(path.suffix)
    if "/" in name or "\\" in name or media_type is None or not path.is_file():
        raise StarletteHTTPException(status_code=404, detail="Not Found")
    return FileResponse(path, media_type=media_type, headers=SECURITY_HEADERS)


@router.get("/")
def index() -> FileResponse:
    """The web page (``static/index.html``)."""
    return _file("index.html")


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    """A file of ``static/`` (the page's script and stylesheet); 404 for any other name."""
    return _file(name)
