"""The closed broker's access file turned into ACLs, and its users' credentials: pure parts, no broker."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from ebrain.broker_access import Grant, Users, grants, load_access
from ebrain.kafka_kit import ACCESS_FILE
from geo.datafiles import LoadError


def _of(found: list[Grant], principal: str) -> set[tuple[str, str, str, str]]:
    return {(g.operation, g.resource, g.name, g.pattern) for g in found if g.principal == f"User:{principal}"}


def test_each_principal_gets_its_role_and_no_more() -> None:
    found = grants(load_access(ACCESS_FILE), "live.")
    hotline = _of(found, "hotline-12345")
    assert ("WRITE", "TOPIC", "live.ingest.hotline", "LITERAL") in hotline
    assert not [g for g in hotline if g[0] == "WRITE" and g[2] != "live.ingest.hotline"]
    api_writes = {name for op, _, name, _ in _of(found, "ebrain-api") if op == "WRITE"}
    assert api_writes == {"live.commands"}
    readers_of_hotline = {g.principal for g in found if g.name == "live.ingest.hotline" and g.operation == "READ"}
    assert readers_of_hotline == {"User:ebrain-worker"}
    worker = _of(found, "ebrain-worker")
    assert ("READ", "GROUP", "live.ebrain", "LITERAL") in worker
    assert ("WRITE", "TRANSACTIONAL_ID", "live.ebrain-", "PREFIXED") in worker
    # the trainer's grants are for its own prefix, whatever the pipeline's
    assert {name for _, _, name, _ in _of(found, "trainer")} <= {f"drill.{n}" for n in _topic_names()}


def _topic_names() -> set[str]:
    from streams.wire import topics

    return {spec.name for spec in topics.ALL}


def test_an_unknown_topic_or_role_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "access.yaml"
    bad.write_text(
        "roles:\n  agency:\n    read: [taks]\nprincipals:\n  - {name: a, role: agency}\n  - {name: b, role: agnecy}\n"
    )
    with pytest.raises(LoadError) as caught:
        load_access(bad)
    text = str(caught.value)
    assert f"{bad}:3:" in text and "taks" in text
    bad.write_text("roles:\n  agency:\n    read: [tasks]\nprincipals:\n  - {name: b, role: agnecy}\n")
    with pytest.raises(LoadError, match="no role 'agnecy'"):
        load_access(bad)


def test_users_are_created_once_with_private_files_and_salted_for_the_storage_tool(tmp_path: Path) -> None:
    users = Users.load_or_create(tmp_path, ["hotline-12345"])
    again = Users.load_or_create(tmp_path, ["hotline-12345"])
    assert users == again
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path
    args = users.scram_arguments()
    joined = " ".join(args)
    assert not [p for p in users.passwords.values() if p in joined], "a password on the command line"
    found = re.search(r'name=hotline-12345,salt="([^"]+)",saltedpassword="([^"]+)",iterations=(\d+)', joined)
    assert found is not None
    salt, salted, iterations = base64.b64decode(found[1]), base64.b64decode(found[2]), int(found[3])
    password = users.passwords["hotline-12345"].encode()
    assert hashlib.pbkdf2_hmac("sha512", password, salt, iterations) == salted
    assert "name=controller" not in joined  # PLAIN on the controller listener, not SCRAM
