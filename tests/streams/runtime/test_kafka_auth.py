"""Credentials files: private, checked, never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.runtime.kafka_auth import CredentialsError, KafkaCredentials, aiokafka_options


def test_a_written_file_reads_back_and_the_password_is_never_in_the_repr(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    KafkaCredentials("ebrain-api", "s3cret").write(path)
    read = KafkaCredentials.from_file(path)
    assert read == KafkaCredentials("ebrain-api", "s3cret")
    assert "s3cret" not in repr(read)
    assert aiokafka_options(read)["sasl_mechanism"] == "SCRAM-SHA-512"
    assert aiokafka_options(None) == {}


def test_a_file_others_can_read_or_a_broken_one_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"username": "a", "password": "b"}')
    path.chmod(0o644)
    with pytest.raises(CredentialsError, match="chmod 600"):
        KafkaCredentials.from_file(path)
    path.chmod(0o600)
    path.write_text('{"username": "a", "pasword": "b"}')
    with pytest.raises(CredentialsError, match="password"):
        KafkaCredentials.from_file(path)
