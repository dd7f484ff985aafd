"""The offline web page (`/`, `/static/*`) and the OpenAPI page (`/docs`), served from the package.

Nothing is fetched from elsewhere at run time: the map library (Leaflet) and Swagger UI are vendored under
`static/vendor/` with their licences, and every response carries a Content-Security-Policy that allows only
this server. The files are read once at start; a name not among them is a 404 that lists what there is.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, Response

_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
}
_HEADERS = {
    # The page talks only to this server; anything else it tried to load would be a bug or an injection.
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:",
    "Cache-Control": "no-cache",
}
_DOCS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>emergency-brain command-centre API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js" defer></script>
<script src="/static/docs.js" defer></script>
</head><body><div id="swagger-ui"></div></body></html>
"""


def _static_files() -> dict[str, tuple[bytes, str]]:
    root = Path(str(resources.files("dashboard_api.static")))
    files: dict[str, tuple[bytes, str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in _TYPES and path.name != "index.html":
            files[path.relative_to(root).as_posix()] = (path.read_bytes(), _TYPES[path.suffix])
    return files


def add_page_routes(app: FastAPI) -> None:
    index = resources.files("dashboard_api.static").joinpath("index.html").read_text(encoding="utf-8")
    static = _static_files()

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(index, headers=_HEADERS)

    @app.get("/static/{name:path}", include_in_schema=False)
    async def asset(name: str) -> Response:
        found = static.get(name)
        if found is None:
            listing = ", ".join(n for n in static if "/" not in n)
            raise HTTPException(404, f"no static file {name!r} (there are: {listing}, and vendor/…)")
        body, media_type = found
        return Response(body, media_type=media_type, headers=_HEADERS)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)  # no icon; a browser that asks anyway gets no error

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        """Swagger UI over /openapi.json, from the vendored swagger-ui-dist (FastAPI's would use a CDN)."""
        return HTMLResponse(_DOCS, headers=_HEADERS)
