"""`ebrain`: the command line. Each command builds what it needs through the composition root.

A user's mistake never ends in a traceback: a bad argument, a missing or broken file, a port in use and Ctrl-C
each end with one line on stderr and a documented exit code (`EXIT_CODES`, printed by `ebrain --help`).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import sys
from importlib import metadata
from pathlib import Path
from typing import NoReturn

from ebrain.serve import UserError
from ebrain.settings import PACKAGE_ROOT, Settings
from geo.datafiles import LoadError

DEFAULT_SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_CODES = (
    "exit codes: 0 done; 1 failed (a drill expectation not met, a playbook check with errors, a service that "
    "stopped); 2 a mistake in the command (bad argument, missing or broken file, port in use); 130 stopped with "
    "Ctrl-C"
)


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line naming the command and where its help is (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder, not a file")
    return path


def _existing_dir(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no such folder: {text}")
    return path


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"port: {text!r} is not a number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port: {port} is not between 1 and 65535")
    return port


def _version() -> str:
    try:
        return metadata.version("emergency-brain")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 86_400:
        raise argparse.ArgumentTypeError(f"{text} s must be more than 0 and at most a day (86400)")
    return value


def _speed(text: str) -> float | None:
    if text in ("max", "auto"):
        return None if text == "max" else -1.0
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"speed: {text!r} is not a number, 'auto' or 'max'") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"speed: {text} must be positive, 'auto' or 'max'")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ebrain",
        description="The regional emergency event-stream brain.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"ebrain {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser(
        "demo",
        help="replay a scenario on the embedded runtime with the live dashboard",
        description=(
            "Starts the embedded runtime (no broker) and the command-centre API and page on 127.0.0.1, "
            "replays a scenario in scenario time so that it finishes in about a minute, shows a progress bar, "
            "and ends with a summary of incidents, stages, levels, tasks and key times."
        ),
    )
    demo.add_argument(
        "--scenario", type=_existing_file, default=DEFAULT_SCENARIO, help="scenario file (default: Yanjiao)"
    )
    demo.add_argument(
        "--speed", type=_speed, default=-1.0, help="scenario seconds per wall second, 'auto' (~60 s) or 'max'"
    )
    demo.add_argument("--port", type=_port, default=None, help="port of the page and API (default 8765)")
    demo.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    demo.add_argument(
        "--linger",
        type=float,
        default=None,
        help="close the page this many seconds after the replay ends (default: keep it up until Ctrl-C)",
    )

    rep = sub.add_parser("replay", help="replay a scenario file (embedded, or into Kafka with --broker)")
    rep.add_argument("file", type=_existing_file, help="scenario file (YAML), e.g. scenarios/files/*.yaml")
    rep.add_argument("--speed", type=_speed, default=None, help="scenario seconds per wall second, or 'max' (default)")
    rep.add_argument("--out", type=Path, default=None, help="write every output delta as JSON lines to this file")
    rep.add_argument("--broker", default=None, help="HOST:PORT: replay into Kafka (a worker must be running)")
    rep.add_argument("--topic-prefix", default="", help="with --broker: the worker's topic prefix")
    rep.add_argument(
        "--full",
        action="store_true",
        help="list every incident with its decisions and tasks (by default a long run gets a one-screen summary)",
    )

    drill = sub.add_parser(
        "drill",
        help="run a scenario, score its expectations and write the after-action report",
        description=(
            "Replays the scenario (embedded, or into Kafka with --broker), scores every expectation and writes "
            "a self-contained HTML after-action report. Exit code 1 when an expectation fails."
        ),
    )
    drill.add_argument("file", type=_existing_file, help="scenario file (YAML) with expectations")
    drill.add_argument("--speed", type=_speed, default=None, help="scenario seconds per wall second, or 'max'")
    drill.add_argument("--report", type=Path, default=None, help="report file (default reports/<scenario>.html)")
    drill.add_argument("--broker", default=None, help="HOST:PORT: run through Kafka (a worker must be running)")
    drill.add_argument("--out", type=Path, default=None, help="also write every output delta as JSON lines")
    drill.add_argument("--topic-prefix", default="", help="with --broker: the worker's topic prefix")

    evaluate = sub.add_parser(
        "evaluate",
        help="write the evaluation (调查评估) of each incident of a replay's or drill's --out file",
    )
    evaluate.add_argument("deltas", type=_existing_file, help="JSON lines written by `ebrain replay|drill --out`")
    evaluate.add_argument("--incident", default=None, help="only this incident (default: every incident)")
    evaluate.add_argument("--dir", type=Path, default=Path("reports"), help="where to write the pages (reports/)")

    worker = sub.add_parser("worker", help="run the faust-streaming pipeline worker against Kafka")
    worker.add_argument("--broker", required=True, help="HOST:PORT of the Kafka broker")
    worker.add_argument("--data-dir", type=Path, default=Path(".ebrain-worker"), help="local worker state folder")
    worker.add_argument("--fleet-seed", type=int, default=None, help="seed of the synthetic fleet (default 7)")
    worker.add_argument(
        "--exercise", action="store_true", default=None, help="a drill: public warnings go out as CAP Exercise"
    )
    worker.add_argument(
        "--guarantee", choices=["exactly_once", "at_least_once"], default="exactly_once", help="processing guarantee"
    )
    worker.add_argument(
        "--topic-prefix", default="", help="prefix of every topic name (separate pipelines on one broker)"
    )
    worker.add_argument(
        "--idle-after",
        type=_seconds,
        default=None,
        help="live: do not wait for a source partition not heard from for this many seconds (default: wait for every "
        "partition, as a replay needs)",
    )
    worker.add_argument(
        "--lateness",
        type=_seconds,
        default=None,
        help="live: hold the watermark this many seconds behind the ticks, so input up to that late keeps its order "
        "(default 0)",
    )

    worker.add_argument(
        "--tick-key",
        type=_existing_file,
        default=None,
        help="live on a closed broker: the clock's key file (mode 600; or EBRAIN_TICK_KEY); a tick it did not sign "
        "is rejected to ingest.dlq with the reason",
    )

    clock = sub.add_parser(
        "clock",
        help="the live clock: a wall-time tick to every source partition (what moves the theater live)",
        description=(
            "Writes a tick of this machine's wall time to every partition of every source topic every --every "
            "seconds, until Ctrl-C or SIGTERM. Live, ticks are what lets the theater release input in event-time "
            "order; run one clock per pipeline, and never replay a scenario onto the topics a clock ticks (give the "
            "replay its own --topic-prefix). The worker's --idle-after and --lateness say how the theater uses them."
        ),
    )
    clock.add_argument("--broker", required=True, help="HOST:PORT of the Kafka broker")
    clock.add_argument("--topic-prefix", default="", help="prefix of every topic name (the worker's --topic-prefix)")
    clock.add_argument("--every", type=_seconds, default=0.5, help="seconds between ticks (default 0.5)")
    clock.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="TOPIC/PARTITION",
        help="leave a source partition without ticks (e.g. ingest.hotline/1), to see the worker's idleness at work",
    )
    clock.add_argument(
        "--tick-key",
        type=_existing_file,
        default=None,
        help="sign every tick with this key file (mode 600; or EBRAIN_TICK_KEY), the one the workers are given",
    )

    api = sub.add_parser(
        "api",
        help="a command-centre API instance fed from Kafka (run several behind a load balancer)",
        description=(
            "Serves the command-centre API, websocket feed and page on 127.0.0.1 (by default) from the topics a "
            "worker writes: the view is rebuilt from the compacted picture topic on start, then follows the feed "
            "topic; operator commands go to the commands topic. Several instances may run on different ports."
        ),
    )
    api.add_argument("--broker", required=True, help="HOST:PORT of the Kafka broker")
    api.add_argument("--topic-prefix", default="", help="prefix of every topic name (the worker's --topic-prefix)")
    api.add_argument("--port", type=_port, default=None, help="port of the page and API (default 8765)")
    api.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    api.add_argument("--fleet-seed", type=int, default=None, help="seed of the synthetic fleet (the worker's)")
    api.add_argument(
        "--demo-tokens",
        action="store_true",
        help="development only: sign in with the published demo tokens (without it, EBRAIN_TOKENS_FILE is required)",
    )

    for command in (rep, drill, worker, clock, api):
        command.add_argument(
            "--kafka-credentials",
            type=_existing_file,
            default=None,
            help="with a closed broker: this process's credentials file (JSON, mode 600; or EBRAIN_KAFKA_CREDENTIALS)",
        )

    quality = sub.add_parser(
        "fusion-quality",
        help="precision and recall of incident fusion against the scenarios' ground truth (scenarios/truth)",
    )
    quality.add_argument("truth", nargs="*", help="truth files (default: every file in scenarios/truth)")

    kafka = sub.add_parser("kafka", help="a local single-node Kafka broker for development (127.0.0.1)")
    kafka.add_argument("action", choices=["up", "down", "status"], help="start, stop, or show the local broker")
    kafka.add_argument("--port", type=_port, default=9092, help="the broker's port (default 9092)")
    kafka.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="where the broker keeps its data, logs and pid record (default <project>/.kafka); give the same one to "
        "down and status",
    )
    kafka.add_argument(
        "--access",
        type=_existing_file,
        default=None,
        help="up: a closed broker, with the users and ACLs of this file (e.g. broker/access.yaml); default open",
    )
    kafka.add_argument(
        "--brokers",
        type=int,
        choices=[1, 3],
        default=1,
        help="3: a three-broker cluster (replication 3, min.insync.replicas 2; ports PORT, PORT+2, PORT+4)",
    )

    sc = sub.add_parser("scenario", help="check a scenario file: every problem at once, before it runs")
    sc_sub = sc.add_subparsers(dest="scenario_command", required=True)
    sc_check = sc_sub.add_parser(
        "check", help="print every problem of a scenario file as file:line; exit 1 if any error, 2 if unreadable"
    )
    sc_check.add_argument("file", type=_existing_file, help="scenario file (YAML)")

    pb = sub.add_parser("playbooks", help="check playbook files, or dry-run one over a file of evidence")
    pb_sub = pb.add_subparsers(dest="playbooks_command", required=True)
    check = pb_sub.add_parser("check", help="load every playbook in a folder; print each error; exit 1 if any")
    check.add_argument(
        "dir",
        type=_existing_dir,
        nargs="?",
        default=PACKAGE_ROOT / "playbooks" / "files",
        help="folder of playbook files (default: the shipped ones)",
    )
    dry = pb_sub.add_parser("try", help="dry-run a playbook over JSON lines of evidence and commands")
    dry.add_argument("playbook", type=_existing_file, help="playbook file (YAML)")
    dry.add_argument("events", type=_existing_file, help="JSON lines of evidence and commands to run it over")
    dry.add_argument("--type", default=None, help="incident type (default: the playbook's first)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    where = f"ebrain {args.command}"
    try:
        return _run(args)
    except KeyboardInterrupt:
        print(f"\n{where}: stopped (Ctrl-C)", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except (UserError, LoadError) as exc:
        print(f"{where}: {exc}", file=sys.stderr, flush=True)
        return EXIT_USAGE
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"{where}: {exc} (choose another port with --port)", file=sys.stderr, flush=True)
            return EXIT_USAGE
        if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError | NotADirectoryError):
            print(f"{where}: {exc.strerror}: {exc.filename}", file=sys.stderr, flush=True)
            return EXIT_USAGE
        raise


def _run(args: argparse.Namespace) -> int:
    if args.command in ("demo", "replay", "drill", "worker", "api"):
        from ebrain.collector import tune_collector

        tune_collector()
    if args.command == "demo":
        from ebrain.demo import run_demo

        settings = Settings.from_env(port=args.port, host=args.host)
        return asyncio.run(run_demo(settings, args.scenario, args.speed, args.linger))
    if args.command == "replay":
        from ebrain.replay_cmd import run_replay

        return asyncio.run(
            run_replay(
                Settings.from_env(kafka_credentials=args.kafka_credentials),
                args.file,
                args.speed,
                args.out,
                args.broker,
                args.topic_prefix,
                args.full,
            )
        )
    if args.command == "drill":
        from ebrain.drill_cmd import run_drill_cmd

        return asyncio.run(
            run_drill_cmd(
                Settings.from_env(kafka_credentials=args.kafka_credentials),
                args.file,
                args.speed,
                args.report,
                args.broker,
                args.out,
                args.topic_prefix,
            )
        )
    if args.command == "worker":
        from ebrain.worker import run_worker

        settings = Settings.from_env(
            broker=args.broker,
            fleet_seed=args.fleet_seed,
            exercise=args.exercise,
            idle_after_s=args.idle_after,
            lateness_s=args.lateness,
            kafka_credentials=args.kafka_credentials,
            tick_key=args.tick_key,
        )
        return run_worker(settings, args.data_dir, args.guarantee, args.topic_prefix)
    if args.command == "clock":
        from ebrain.clock_cmd import run_clock
        from ebrain.compose import kafka_credentials, tick_key

        try:
            settings = Settings.from_env(
                broker=args.broker, kafka_credentials=args.kafka_credentials, tick_key=args.tick_key
            )
            credentials = kafka_credentials(settings)
            key = tick_key(settings)
            return asyncio.run(
                run_clock(args.broker, args.topic_prefix, args.every, tuple(args.skip), credentials, key)
            )
        except ValueError as exc:
            raise UserError(str(exc)) from None
    if args.command == "api":
        from ebrain.api_cmd import run_api

        settings = Settings.from_env(
            broker=args.broker,
            port=args.port,
            host=args.host,
            fleet_seed=args.fleet_seed,
            kafka_credentials=args.kafka_credentials,
        )
        return asyncio.run(run_api(settings, args.topic_prefix, args.demo_tokens))
    if args.command == "fusion-quality":
        from ebrain.compose import build_core
        from scenarios.cluster_quality import main as fusion_quality

        return fusion_quality(args.truth, build_core(Settings.from_env()))
    if args.command == "kafka":
        from ebrain.broker import main_kafka

        if args.brokers == 3:
            from ebrain.broker_cluster import main_cluster

            return main_cluster(args.action, PACKAGE_ROOT, port=args.port, access=args.access)
        return main_kafka(args.action, PACKAGE_ROOT, port=args.port, data_dir=args.data_dir, access=args.access)
    if args.command == "evaluate":
        from ebrain.evaluate_cmd import evaluate_file

        return evaluate_file(Settings.from_env(), args.deltas, args.incident, args.dir)
    if args.command == "scenario":
        from ebrain import scenario_cmd

        return scenario_cmd.check(Settings.from_env(), args.file)
    if args.command == "playbooks":
        from ebrain import playbooks_cmd

        if args.playbooks_command == "check":
            return playbooks_cmd.check(Settings.from_env(), args.dir)
        return playbooks_cmd.try_playbook(Settings.from_env(), args.playbook, args.events, args.type)
    return 2


if __name__ == "__main__":
    sys.exit(main())
