"""`ebrain`: the command line. Each command builds what it needs through the composition root."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ebrain.settings import PACKAGE_ROOT, Settings

DEFAULT_SCENARIO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


def _speed(text: str) -> float | None:
    if text in ("max", "auto"):
        return None if text == "max" else -1.0
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"speed: {text} must be positive, 'auto' or 'max'")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ebrain", description="The regional emergency event-stream brain.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo",
        help="replay a scenario on the embedded runtime with the live dashboard",
        description=(
            "Starts the embedded runtime (no broker) and the command-centre API and page on 127.0.0.1, "
            "replays a scenario in scenario time so that it finishes in about a minute, shows a progress bar, "
            "and ends with a summary of incidents, stages, levels, tasks and key times."
        ),
    )
    demo.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="scenario file (default: Yanjiao)")
    demo.add_argument(
        "--speed", type=_speed, default=-1.0, help="scenario seconds per wall second, 'auto' (~60 s) or 'max'"
    )
    demo.add_argument("--port", type=int, default=None, help="port of the page and API (default 8765)")
    demo.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    demo.add_argument("--linger", type=float, default=0.0, help="keep the page up this many seconds after the replay")

    rep = sub.add_parser("replay", help="replay a scenario file (embedded, or into Kafka with --broker)")
    rep.add_argument("file", type=Path)
    rep.add_argument("--speed", type=_speed, default=None, help="scenario seconds per wall second, or 'max' (default)")
    rep.add_argument("--out", type=Path, default=None, help="write every output delta as JSON lines to this file")
    rep.add_argument("--broker", default=None, help="HOST:PORT: replay into Kafka (a worker must be running)")
    rep.add_argument("--topic-prefix", default="", help="with --broker: the worker's topic prefix")

    drill = sub.add_parser(
        "drill",
        help="run a scenario, score its expectations and write the after-action report",
        description=(
            "Replays the scenario (embedded, or into Kafka with --broker), scores every expectation and writes "
            "a self-contained HTML after-action report. Exit code 1 when an expectation fails."
        ),
    )
    drill.add_argument("file", type=Path)
    drill.add_argument("--speed", type=_speed, default=None, help="scenario seconds per wall second, or 'max'")
    drill.add_argument("--report", type=Path, default=None, help="report file (default reports/<scenario>.html)")
    drill.add_argument("--broker", default=None, help="HOST:PORT: run through Kafka (a worker must be running)")
    drill.add_argument("--out", type=Path, default=None, help="also write every output delta as JSON lines")
    drill.add_argument("--topic-prefix", default="", help="with --broker: the worker's topic prefix")

    worker = sub.add_parser("worker", help="run the faust-streaming pipeline worker against Kafka")
    worker.add_argument("--broker", required=True, help="HOST:PORT of the Kafka broker")
    worker.add_argument("--data-dir", type=Path, default=Path(".ebrain-worker"), help="local worker state folder")
    worker.add_argument("--fleet-seed", type=int, default=None, help="seed of the synthetic fleet (default 7)")
    worker.add_argument(
        "--guarantee", choices=["exactly_once", "at_least_once"], default="exactly_once", help="processing guarantee"
    )
    worker.add_argument(
        "--topic-prefix", default="", help="prefix of every topic name (separate pipelines on one broker)"
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
    api.add_argument("--port", type=int, default=None, help="port of the page and API (default 8765)")
    api.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    api.add_argument("--fleet-seed", type=int, default=None, help="seed of the synthetic fleet (the worker's)")

    quality = sub.add_parser(
        "fusion-quality",
        help="precision and recall of incident fusion against the scenarios' ground truth (scenarios/truth)",
    )
    quality.add_argument("truth", nargs="*", help="truth files (default: every file in scenarios/truth)")

    kafka = sub.add_parser("kafka", help="a local single-node Kafka broker for development (127.0.0.1)")
    kafka.add_argument("action", choices=["up", "down", "status"])
    kafka.add_argument("--port", type=int, default=9092)

    pb = sub.add_parser("playbooks", help="check playbook files, or dry-run one over a file of evidence")
    pb_sub = pb.add_subparsers(dest="playbooks_command", required=True)
    check = pb_sub.add_parser("check", help="load every playbook in a folder; print each error; exit 1 if any")
    check.add_argument("dir", type=Path, nargs="?", default=PACKAGE_ROOT / "playbooks" / "files")
    dry = pb_sub.add_parser("try", help="dry-run a playbook over JSON lines of evidence and commands")
    dry.add_argument("playbook", type=Path)
    dry.add_argument("events", type=Path)
    dry.add_argument("--type", default=None, help="incident type (default: the playbook's first)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
            run_replay(Settings.from_env(), args.file, args.speed, args.out, args.broker, args.topic_prefix)
        )
    if args.command == "drill":
        from ebrain.drill_cmd import run_drill_cmd

        return asyncio.run(
            run_drill_cmd(
                Settings.from_env(), args.file, args.speed, args.report, args.broker, args.out, args.topic_prefix
            )
        )
    if args.command == "worker":
        from ebrain.worker import run_worker

        settings = Settings.from_env(broker=args.broker, fleet_seed=args.fleet_seed)
        return run_worker(settings, args.data_dir, args.guarantee, args.topic_prefix)
    if args.command == "api":
        from ebrain.api_cmd import run_api

        settings = Settings.from_env(broker=args.broker, port=args.port, host=args.host, fleet_seed=args.fleet_seed)
        return asyncio.run(run_api(settings, args.topic_prefix))
    if args.command == "fusion-quality":
        from ebrain.compose import build_core
        from scenarios.cluster_quality import main as fusion_quality

        return fusion_quality(args.truth, build_core(Settings.from_env()))
    if args.command == "kafka":
        from ebrain.broker import main_kafka

        return main_kafka(args.action, PACKAGE_ROOT, port=args.port)
    if args.command == "playbooks":
        from ebrain import playbooks_cmd

        if args.playbooks_command == "check":
            return playbooks_cmd.check(Settings.from_env(), args.dir)
        return playbooks_cmd.try_playbook(Settings.from_env(), args.playbook, args.events, args.type)
    return 2


if __name__ == "__main__":
    sys.exit(main())
