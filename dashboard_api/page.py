"""The offline web page (`/`, `/static/*`) and a local `/docs` page listing the endpoints.

Everything is served from the package: no CDN, no external fonts. FastAPI's own /docs loads Swagger UI from a
CDN, so it is replaced by a plain page generated from the OpenAPI document (which stays at /openapi.json).
"""

from __future__ import annotations

import html
from importlib import resources

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse, Response

_STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
_HEADERS = {
    # The page talks only to this server; anything else it tried to load would be a bug or an injection.
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:",
    "Cache-Control": "no-cache",
}


def _read(name: str) -> str:
    return resources.files("dashboard_api.static").joinpath(name).read_text(encoding="utf-8")


def add_page_routes(app: FastAPI) -> None:
    index = _read("index.html")
    static = {name: _read(name) for name in _STATIC}

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(index, headers=_HEADERS)

    @app.get("/static/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        if name not in static:
            raise HTTPException(404, f"no static file {name!r} (there are: {', '.join(sorted(static))})")
        return Response(static[name], media_type=_STATIC[name], headers=_HEADERS)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(endpoint_list(app))


def endpoint_list(app: FastAPI) -> str:
    spec = app.openapi()
    rows = []
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op.get('summary', ''))}</td></tr>"
            )
    title = html.escape(spec.get("info", {}).get("title", "API"))
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{font:14px system-ui,sans-serif;margin:2em}td{padding:.2em .8em;border-bottom:1px solid #ddd}"
        "</style></head><body>"
        f"<h1>{title}</h1><p>The machine-readable description is <a href='/openapi.json'>/openapi.json</a>. "
        "Send <code>Authorization: Bearer &lt;token&gt;</code>; the websocket feed is "
        "<code>/ws/feed?token=…&amp;since=&lt;seq&gt;</code> (see docs/api.md).</p>"
        f"<table><tr><th>method</th><th>path</th><th>what</th></tr>{''.join(rows)}</table></body></html>"
    )
