"""Who a Kafka client is: the SASL/SCRAM credentials of one principal, and the connection settings they give each
client library (aiokafka, kafka-python, faust).

A closed broker (docs/broker.md, "A closed broker") knows each principal by a SCRAM-SHA-512 user name and password.
A process takes its own from a credentials file (JSON, readable by its owner only), named by a setting
(`--kafka-credentials FILE` or `EBRAIN_KAFKA_CREDENTIALS`): a password never appears on a command line or in a
process listing. Without credentials a client connects in plain text, as the open development broker expects.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import pydantic

from streams.wire.private_file import read_private

MECHANISM: Final = "SCRAM-SHA-512"


class CredentialsError(ValueError):
    """A credentials file that cannot be used; the message names the file and what to fix."""


class _CredentialsFile(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    username: str = pydantic.Field(min_length=1)
    password: str = pydantic.Field(min_length=1)
    mechanism: Literal["SCRAM-SHA-512"] = MECHANISM


@dataclass(frozen=True)
class KafkaCredentials:
    username: str
    password: str = field(repr=False)  # never printed, even in a traceback

    @classmethod
    def from_file(cls, path: Path) -> KafkaCredentials:
        text = read_private(path, "Kafka credentials file", CredentialsError)
        try:
            parsed = _CredentialsFile.model_validate(json.loads(text))
        except json.JSONDecodeError as exc:
            raise CredentialsError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from exc
        except pydantic.ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(file)'}: {e['msg']}" for e in exc.errors())
            raise CredentialsError(
                f'{path}: expected {{"username": …, "password": …}} ({MECHANISM}): {problems}'
            ) from exc
        return cls(parsed.username, parsed.password)

    def write(self, path: Path) -> None:
        """Write a credentials file only its owner can read (created with that mode, never widened after)."""
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        body = json.dumps({"username": self.username, "password": self.password, "mechanism": MECHANISM})
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as out:
            out.write(body + "\n")


def aiokafka_options(credentials: KafkaCredentials | None) -> dict[str, Any]:
    """Keyword arguments of an aiokafka producer, consumer or admin client."""
    if credentials is None:
        return {}
    return {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": MECHANISM,
        "sasl_plain_username": credentials.username,
        "sasl_plain_password": credentials.password,
    }


def kafka_python_options(credentials: KafkaCredentials | None) -> dict[str, Any]:
    """Keyword arguments of a kafka-python client (same names as aiokafka's)."""
    return aiokafka_options(credentials)


def faust_options(credentials: KafkaCredentials | None) -> dict[str, Any]:
    """faust App settings: `broker_credentials` for every client the worker makes (consumer, producers, topic
    creation)."""
    if credentials is None:
        return {}
    import faust

    return {
        "broker_credentials": faust.SASLCredentials(
            username=credentials.username, password=credentials.password, mechanism=MECHANISM
        )
    }
