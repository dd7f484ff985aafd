"""Error bodies and the body size limit, on a bare app."""

from __future__ import annotations

import pydantic
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from dashboard_api.errors import BodyLimit, error_body, install_error_handlers


class Body(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    colour: str
    level: int = 0


def bare_app() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=100)

    @app.post("/echo")
    async def echo(body: Body) -> dict:
        return body.model_dump()

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "short and stout")

    return TestClient(app)


def test_error_body_shape() -> None:
    assert error_body(404, "no such thing") == {"error": "not_found", "status": 404, "detail": "no such thing"}


def test_http_errors_and_unknown_routes_use_the_same_shape() -> None:
    client = bare_app()
    assert client.get("/teapot").json() == {"error": "i'm_a_teapot", "status": 418, "detail": "short and stout"}
    assert client.get("/nowhere").json()["error"] == "not_found"


def test_validation_error_lists_every_field_with_typos_first() -> None:
    response = bare_app().post("/echo", json={"color": "red", "level": "high"})
    body = response.json()
    assert response.status_code == 422
    assert body["fields"][0] == {
        "field": "body.color",
        "message": "unknown field; did you mean 'colour'? (accepted: colour, level)",
        "value": "red",
    }
    assert {f["field"] for f in body["fields"]} == {"body.color", "body.colour", "body.level"}
    assert body["detail"].endswith("and 2 more problem(s) in 'fields'")


def test_body_limit_passes_small_bodies_and_stops_big_ones() -> None:
    client = bare_app()
    assert client.post("/echo", json={"colour": "red"}).json() == {"colour": "red", "level": 0}
    big = client.post("/echo", content=b'{"colour": "' + b"r" * 200 + b'"}')
    assert big.status_code == 413 and big.json()["error"] == "request_entity_too_large"
