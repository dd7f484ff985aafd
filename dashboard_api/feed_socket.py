"""The websocket endpoint `/ws/feed?token=…&since=<seq>&epoch=<epoch>&batch=1&lang=zh|en`.

With `lang` the operator language comes in that language only (half the words on the wire); without it, both.

With `batch=1` a frame may carry several messages, one per line, when they queued up for the client (a busy
feed then costs a frame per burst instead of per delta); without it every frame is one JSON message.

Browsers cannot read the HTTP status of a refused websocket handshake, so a bad token or parameter is
answered after accepting: one `{"type": "error", "status", "detail"}` message, then close code 4000 + status
(4401 unknown or missing token, 4422 bad parameter).
"""

from __future__ import annotations

import asyncio
import contextlib

from fastapi import FastAPI, WebSocket

from dashboard_api.context import ApiContext
from dashboard_api.errors import error_body


async def _until_disconnect(ws: WebSocket) -> None:
    """Read and ignore what the client sends; return when it goes away."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return


async def _refuse(ws: WebSocket, status: int, detail: str) -> None:
    await ws.send_json({"type": "error", **error_body(status, detail)})
    await ws.close(code=4000 + status, reason=detail[:120])


def add_feed_route(app: FastAPI, ctx: ApiContext) -> None:
    @app.websocket("/ws/feed")
    async def feed(ws: WebSocket) -> None:
        params = ws.query_params
        auth = ws.headers.get("authorization", "")
        token = params.get("token") or (auth[7:] if auth.lower().startswith("bearer ") else None)
        await ws.accept()
        viewer = ctx.access.authenticate(token)
        if viewer is None:
            detail = "unknown token" if token else "missing token: add ?token=<token> to the URL"
            await _refuse(ws, 401, detail)
            return
        since_text = params.get("since")
        if since_text is not None and not since_text.isdigit():
            await _refuse(ws, 422, f"since={since_text!r} is not a feed sequence number (an integer ≥ 0)")
            return
        since = int(since_text) if since_text is not None else None
        batch = params.get("batch", "0") not in ("0", "", "false")
        lang = params.get("lang") or None
        if lang not in (None, "zh", "en"):
            await _refuse(ws, 422, f"lang={lang!r} is not 'zh' or 'en' (leave it out for both)")
            return
        client = ctx.hub.connect(viewer, since, params.get("epoch") or None, batch, lang)
        tasks = [
            asyncio.ensure_future(ctx.hub.pump(client, ws.send_text)),
            asyncio.ensure_future(_until_disconnect(ws)),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            ctx.hub.disconnect(client)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
