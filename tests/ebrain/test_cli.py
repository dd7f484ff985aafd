"""The command line: a user's mistake is one line on stderr and a documented exit code, never a traceback."""

from __future__ import annotations

import argparse
import gc
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ebrain.cli import EXIT_USAGE, _parser, main
from ebrain.settings import PACKAGE_ROOT

YANJIAO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    """Commands that run tune the garbage collector for the process; the other tests expect it untouched."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("ebrain ")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["replay", "no/such/file.yaml"], "ebrain replay: argument file: no such file: no/such/file.yaml"),
        (["drill", "scenarios"], "is a folder, not a file"),
        (["demo", "--speed", "fast"], "speed: 'fast' is not a number"),
        (["demo", "--port", "70000"], "70000 is not between 1 and 65535"),
        (["playbooks", "check", "no/such/folder"], "no such folder"),
        (["frob"], "invalid choice: 'frob'"),
        (["clock", "--broker", "127.0.0.1:1", "--every", "0"], "0 s must be more than 0"),
        (["worker", "--broker", "127.0.0.1:1", "--idle-after", "soon"], "'soon' is not a number of seconds"),
        (["kafka", "up", "--brokers", "2"], "invalid choice: 2"),
        (["kafka", "up", "--access", "no/such/access.yaml"], "no such file: no/such/access.yaml"),
        (["worker", "--broker", "h:1", "--kafka-credentials", "nope.json"], "no such file: nope.json"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_2(argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == EXIT_USAGE
    line = _one_line(capsys.readouterr().err)
    assert said in line and "--help" in line


def test_a_broken_file_is_one_line_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("scenario: [unclosed\n", encoding="utf-8")
    assert main(["replay", str(broken)]) == EXIT_USAGE
    assert f"{broken}:" in _one_line(capsys.readouterr().err)


def test_a_port_in_use_suggests_another(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["demo", "--port", str(port), "--scenario", str(YANJIAO)]) == EXIT_USAGE
    line = _one_line(capsys.readouterr().err)
    assert f"port {port} on 127.0.0.1 is in use" in line and f"--port {port + 1}" in line


def test_every_positional_argument_has_help() -> None:
    def walk(parser: argparse.ArgumentParser) -> list[str]:
        missing = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    missing += walk(sub)
            elif not action.option_strings and not action.help:
                missing.append(f"{parser.prog} {action.dest}")
        return missing

    assert walk(_parser()) == []


def test_a_clock_told_to_skip_what_is_no_source_partition_says_which_are(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clock", "--broker", "127.0.0.1:1", "--skip", "ingest.hotline/7"]) == EXIT_USAGE
    line = _one_line(capsys.readouterr().err)
    assert "ingest.hotline/7 is not a source partition" in line and "ingest.hotline/1" in line


def test_the_api_refuses_to_start_without_tokens_unless_told_to_use_the_demo_ones(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EBRAIN_TOKENS_FILE", raising=False)
    assert main(["api", "--broker", "127.0.0.1:1"]) == EXIT_USAGE
    line = _one_line(capsys.readouterr().err)
    assert "no tokens file: set EBRAIN_TOKENS_FILE" in line and "--demo-tokens" in line
    monkeypatch.setenv("EBRAIN_TOKENS_FILE", "tokens.yaml")
    assert main(["api", "--broker", "127.0.0.1:1", "--demo-tokens"]) == EXIT_USAGE
    assert "choose one" in _one_line(capsys.readouterr().err)


def test_kafka_status_reads_the_broker_of_the_data_dir_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kafka", "status", "--data-dir", str(tmp_path / "brokerdata")]) == 1
    assert f"not running (data in {tmp_path / 'brokerdata'})" in capsys.readouterr().out


def test_a_kafka_that_does_not_answer_is_one_line_with_what_to_check() -> None:
    from kafka.errors import KafkaTimeoutError

    from ebrain.serve import kafka_refused

    exc = KafkaTimeoutError("Unable to bootstrap from 127.0.0.1:9")
    without = str(kafka_refused("127.0.0.1:9", False, exc))
    assert without.count("KafkaTimeoutError") == 1 and "--kafka-credentials FILE" in without
    assert "this broker's" in str(kafka_refused("127.0.0.1:9", True, exc))


def _private(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_a_live_worker_on_a_closed_broker_refuses_to_start_without_the_clocks_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EBRAIN_TICK_KEY", raising=False)
    credentials = _private(tmp_path / "worker.json", '{"username": "ebrain-worker", "password": "pw"}')
    argv = ["worker", "--broker", "127.0.0.1:1", "--kafka-credentials", str(credentials), "--idle-after", "10"]
    assert main(argv) == EXIT_USAGE
    line = _one_line(capsys.readouterr().err)
    assert "a live worker on a closed broker needs --tick-key FILE" in line and "ebrain clock --tick-key" in line


@pytest.mark.parametrize(
    ("command", "text", "mode", "said"),
    [
        ("worker", "k" * 40, 0o644, "tick key file is readable by others (mode -rw-r--r--); run `chmod 600"),
        ("clock", "short", 0o600, "the tick key is 5 characters, at least 32; make one: python -c"),
    ],
)
def test_a_tick_key_file_that_cannot_be_used_is_one_line_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, text: str, mode: int, said: str
) -> None:
    key = _private(tmp_path / "tick.key", text, mode)
    assert main([command, "--broker", "127.0.0.1:1", "--tick-key", str(key)]) == EXIT_USAGE
    assert said in _one_line(capsys.readouterr().err)
