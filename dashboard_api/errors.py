"""Clear JSON error bodies for every failure, and the request size limit.

Every error is `{"error": <short code>, "status": <HTTP status>, "detail": <a sentence saying what and where>}`;
validation errors add `fields`, one entry per problem with the field path, the message and the value sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geo.names import did_you_mean

MAX_BODY_BYTES = 64 * 1024


def error_code(status: int) -> str:
    return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")


def error_body(status: int, detail: str, **extra: Any) -> dict[str, Any]:
    return {"error": error_code(status), "status": status, "detail": detail, **extra}


def error_response(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(status, detail, **extra), status_code=status, headers=headers)


def _body_fields(request: Request) -> Iterable[str]:
    """Field names the matched route's body accepts, for a did-you-mean on an unknown field."""
    field = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(field, "field_info", None), "annotation", None)
    return list(getattr(model, "model_fields", {}))


def _field_error(err: dict[str, Any], accepted: Iterable[str]) -> dict[str, Any]:
    loc = [str(p) for p in err.get("loc", ())]
    path = ".".join(loc)
    message = err.get("msg", "invalid")
    if err.get("type") == "extra_forbidden":
        allowed = list(accepted)
        message = f"unknown field{did_you_mean(loc[-1], allowed)}"
        if allowed:
            message += f" (accepted: {', '.join(allowed)})"
    entry: dict[str, Any] = {"field": path, "message": message}
    if "input" in err and err.get("type") != "missing":
        value = err["input"]
        entry["value"] = value if isinstance(value, str | int | float | bool | None) else str(value)[:200]
    return entry


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return error_response(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        accepted = _body_fields(request)
        errors = sorted(exc.errors(), key=lambda err: err.get("type") != "extra_forbidden")  # typos explain the rest
        fields = [_field_error(dict(err), accepted) for err in errors]
        first = fields[0] if fields else {"field": "request", "message": "invalid"}
        shown = f" (got {first['value']!r})" if "value" in first else ""
        detail = f"{first['field']}: {first['message']}{shown}"
        if len(fields) > 1:
            detail += f"; and {len(fields) - 1} more problem(s) in 'fields'"
        return error_response(422, detail, fields=fields)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413, whether or not it declares its length."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send, int(declared))
            return
        seen = 0
        over = False

        async def guarded_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if not over:  # the app's answer to a body it could not read is replaced by the 413 below
                await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except Exception:
            if not over:
                raise
        if over:
            await self._reject(scope, receive, send, seen)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, size: int) -> None:
        detail = f"request body is over the {self.max_bytes} byte limit (at least {size} bytes sent)"
        await error_response(413, detail)(scope, receive, send)
