"""A single-node Apache Kafka broker (KRaft) run from the jars Maven copies into ``broker/lib``.

No Docker and no tarball: ``broker/pom.xml`` names the broker and its logging backend on Maven Central,
``ensure_jars`` copies them, and ``KafkaBroker`` formats storage and starts ``kafka.Kafka`` in a JVM.
``broker/server.properties``, ``broker/log4j2.properties`` and ``broker/jvm.options`` hold the settings;
this module only adds what changes per run (ports, directories).

Two users: ``ebrain kafka up|down|status`` (detached, data under ``<project>/.kafka/``) and the
integration-test fixture (attached, data in a temporary directory, stopped when the tests end).
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import dataclasses
import fcntl
import hashlib
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Literal

from ebrain.broker_access import ADMIN_USER, Users, apply_grants, grants, load_access, pipeline_prefixes
from streams.runtime.kafka_auth import KafkaCredentials, kafka_python_options

MIN_JAVA = 17  # Kafka 4.x brokers run on Java 17 or newer.
PER_RUN_KEYS = ("listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs", "node.id")
POM_NS = "{http://maven.apache.org/POM/4.0.0}"


class BrokerError(RuntimeError):
    """The broker could not be fetched, started or stopped; the message says why."""


@dataclasses.dataclass(frozen=True)
class BrokerConfig:
    data_dir: Path
    port: int = 9092
    controller_port: int = 9093
    host: str = "127.0.0.1"
    heap: str = "512m"
    node_id: int = 1
    #: (node id, controller port) of every controller of the cluster; empty: this node alone
    voters: tuple[tuple[int, int], ...] = ()
    #: the access file (broker/access.yaml) of a closed broker: SASL/SCRAM users and ACLs; None: open
    access: Path | None = None
    #: where the users' credentials files are (shared by the nodes of a cluster); default <data dir>/credentials
    credentials_dir: Path | None = None
    #: settings files layered over broker/server.properties, in order (a cluster's replication settings)
    extra_properties: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        try:
            loopback = ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ValueError(f"BrokerConfig.host={self.host!r}: the broker only listens on a loopback address")
        for name in ("port", "controller_port"):
            value = getattr(self, name)
            if not 0 < value < 65536:
                raise ValueError(f"BrokerConfig.{name}={value!r}: not a TCP port")
        if self.port == self.controller_port:
            raise ValueError(f"BrokerConfig.controller_port={self.controller_port}: same as port")
        if not re.fullmatch(r"\d+[kmg]", self.heap, re.IGNORECASE):
            raise ValueError(f"BrokerConfig.heap={self.heap!r}: expected a JVM size such as '512m'")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (another process may still take it before we do)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


# --- jars -------------------------------------------------------------------------------------------


def _declared_jars(pom: Path) -> list[str]:
    """File names of the jars pom.xml asks for directly (transitive ones are not named in the pom)."""
    root = ET.parse(pom).getroot()
    props = {el.tag.removeprefix(POM_NS): (el.text or "") for el in root.iterfind(f"{POM_NS}properties/*")}

    def resolve(text: str) -> str:
        return re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), text)

    jars = []
    for dep in root.iterfind(f"{POM_NS}dependencies/{POM_NS}dependency"):
        artifact = dep.findtext(f"{POM_NS}artifactId", "")
        version = resolve(dep.findtext(f"{POM_NS}version", ""))
        jars.append(f"{artifact}-{version}.jar")
    return jars


def _lib_is_current(lib: Path, pom: Path, stamp: Path) -> bool:
    """The stamp is newer than pom.xml (or holds its hash), and lib has exactly the declared versions."""
    if not stamp.is_file():
        return False
    text = stamp.read_text().strip()
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    # `make jars` touches an empty stamp; ensure_jars writes the pom's hash into it.
    if text != digest and (text or stamp.stat().st_mtime < pom.stat().st_mtime):
        return False
    for jar in _declared_jars(pom):
        artifact = jar[: jar.rindex("-")]
        present = {path.name for path in lib.glob(f"{artifact}-[0-9]*.jar")}
        if present != {jar}:  # missing, or another version left behind by an earlier pom
            return False
    return True


def ensure_jars(project_root: Path) -> Path:
    """Return ``broker/lib``, running Maven first when it is missing or was filled from another pom.xml."""
    broker_dir = project_root.resolve() / "broker"
    pom = broker_dir / "pom.xml"
    if not pom.is_file():
        raise BrokerError(f"{pom} not found: is {project_root} the project root?")
    lib = broker_dir / "lib"
    lib.mkdir(exist_ok=True)
    stamp = lib / ".complete"  # the Makefile's `jars` target uses the same stamp
    # Two test runs may start at once; only one of them should rewrite lib/.
    with (lib / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _lib_is_current(lib, pom, stamp):
            return lib
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError(
                f"{lib} is missing or out of date and Maven (mvn) is not on PATH; install Maven "
                f"(apt-get install maven) or copy the runtime dependencies of {pom} into {lib}"
            )
        stamp.unlink(missing_ok=True)
        # A version change must not leave two Kafka versions on the classpath.
        for jar in lib.glob("*.jar"):
            jar.unlink()
        cmd = [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies"]
        cmd += [f"-DoutputDirectory={lib}", "-DincludeScope=runtime"]
        done = subprocess.run(cmd, cwd=broker_dir, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            raise BrokerError(f"`{' '.join(cmd)}` failed with exit code {done.returncode}:\n{tail}")
        missing = [jar for jar in _declared_jars(pom) if not (lib / jar).is_file()]
        if missing:
            raise BrokerError(f"Maven finished but {lib} lacks {', '.join(missing)} declared in {pom}")
        stamp.write_text(hashlib.sha256(pom.read_bytes()).hexdigest() + "\n")
    return lib


# --- configuration files ----------------------------------------------------------------------------


def _read_properties(path: Path) -> dict[str, str]:
    """key=value lines; a per-run key (set by this module) is an error naming the file and line."""
    props: dict[str, str] = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise BrokerError(f"{path}:{lineno}: expected key=value, got {line!r}")
        key = key.strip()
        if key in PER_RUN_KEYS:
            raise BrokerError(f"{path}:{lineno}: {key} is set per run by ebrain.broker; remove it here")
        props[key] = value.strip()
    return props


def _read_jvm_options(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise BrokerError(
            f"java not found on PATH: the Kafka broker needs a Java {MIN_JAVA}+ runtime "
            "(e.g. apt-get install openjdk-17-jre-headless)"
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30, check=False)
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if found:
        major = int(found.group(1))
        if major == 1 and found.group(2):  # "1.8.0" is Java 8
            major = int(found.group(2))
        if major < MIN_JAVA:
            raise BrokerError(f"{java} is Java {major}; the Kafka broker needs Java {MIN_JAVA} or newer")
    return java


def _check_port_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # The JVM binds with SO_REUSEADDR too, so a port in TIME_WAIT is not "taken".
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise BrokerError(
                f"{what} {host}:{port} is taken ({exc.strerror}); is a broker already running "
                "(`ebrain kafka status`, `pgrep -af kafka.Kafka`)?"
            ) from exc


#: Ids Kafka's ``Uuid.randomUuid`` never returns: the zero id and the metadata topic's (``AAAAAAAAAAAAAAAAAAAAAQ``).
_RESERVED_IDS = frozenset({bytes(16), bytes(15) + b"\x01"})


def _new_cluster_id() -> str:
    """A cluster id as Kafka's ``Uuid.randomUuid`` makes one: the URL-safe base64 (no padding) of a random
    version-4 UUID, drawn again while it is reserved or its text starts with "-" — such an id would be read
    as an option by the storage tool (``argument --cluster-id/-t: expected one argument``)."""
    while True:
        raw = uuid.uuid4().bytes
        text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        if raw not in _RESERVED_IDS and not text.startswith("-"):
            return text


def die_with_parent() -> None:
    """A ``preexec_fn`` (Linux): the child gets SIGTERM when the thread that started it dies, so a killed
    test run or CLI leaves no orphan behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _tail(path: Path, lines: int = 25) -> str:
    if not path.is_file():
        return f"({path} does not exist)"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return f"last lines of {path}:\n" + "\n".join(text)


def probe(bootstrap: str, timeout_s: float = 5.0, credentials: KafkaCredentials | None = None) -> dict[str, Any]:
    """Ask the broker for its cluster metadata (a real Metadata request); raises when it does not answer."""
    from kafka.admin import KafkaAdminClient

    timeout_ms = int(timeout_s * 1000)
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="ebrain-broker-probe",
        request_timeout_ms=timeout_ms,
        bootstrap_timeout_ms=timeout_ms,
        **kafka_python_options(credentials),
    )
    try:
        cluster: dict[str, Any] = admin.describe_cluster()
        return cluster
    finally:
        admin.close()


def live_brokers(cluster: dict[str, Any]) -> list[dict[str, Any]]:
    """The brokers a ``probe`` lists that serve: a broker the controllers lost stays listed, fenced, for a while."""
    return [b for b in cluster.get("brokers") or () if not b.get("is_fenced")]


# --- the broker process -----------------------------------------------------------------------------


class KafkaBroker:
    """One broker+controller JVM; ``start`` returns when it answers metadata requests."""

    def __init__(
        self,
        config: BrokerConfig,
        lib_dir: Path,
        *,
        conf_dir: Path | None = None,
        die_with_parent: bool = True,
    ) -> None:
        self.config = dataclasses.replace(config, data_dir=config.data_dir.resolve())
        self.lib_dir = lib_dir.resolve()
        self.conf_dir = (conf_dir if conf_dir is not None else lib_dir.parent).resolve()
        self._die_with_parent = die_with_parent and sys.platform.startswith("linux")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    @property
    def log_path(self) -> Path:
        return self.config.data_dir / "logs" / "server.log"

    @property
    def console_path(self) -> Path:
        """The JVM's own stdout/stderr (crashes, log4j trouble); the broker logs to ``log_path``."""
        return self.config.data_dir / "logs" / "console.log"

    @property
    def properties_path(self) -> Path:
        return self.config.data_dir / "server.properties"

    @property
    def storage_dir(self) -> Path:
        return self.config.data_dir / "kraft"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def __enter__(self) -> KafkaBroker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def closed(self) -> bool:
        return self.config.access is not None

    @property
    def credentials_dir(self) -> Path:
        return (self.config.credentials_dir or self.config.data_dir / "credentials").resolve()

    def users(self) -> Users:
        """The users of a closed broker, their credentials files created on first use."""
        if self.config.access is None:
            raise BrokerError("an open broker has no users")
        access = load_access(self.config.access)
        return Users.load_or_create(self.credentials_dir, (entry.name for entry in access.principals))

    def credentials(self, principal: str) -> KafkaCredentials:
        """The credentials of one principal of a closed broker (its file: ``credentials_dir/<name>.json``)."""
        return KafkaCredentials.from_file(self.credentials_dir / f"{principal}.json")

    def _admin(self) -> KafkaCredentials | None:
        return self.users().credentials(ADMIN_USER) if self.closed else None

    def grant(self, prefix: str = "") -> int:
        """Create the access file's ACLs for a pipeline with topic prefix `prefix`; returns how many."""
        if self.config.access is None:
            raise BrokerError("an open broker has no ACLs")
        admin = self._admin()
        assert admin is not None
        return apply_grants(self.bootstrap, admin, grants(load_access(self.config.access), prefix))

    def _write_properties(self) -> None:
        cfg = self.config
        sources = (self.conf_dir / "server.properties", *cfg.extra_properties)
        props: dict[str, str] = {}
        for source in sources:
            props.update(_read_properties(source))
        client = "PLAINTEXT"
        if self.closed:
            props.update(self.users().server_properties())
            client = "CLIENT"
        props["node.id"] = str(cfg.node_id)
        props["listeners"] = f"{client}://{cfg.host}:{cfg.port},CONTROLLER://{cfg.host}:{cfg.controller_port}"
        props["advertised.listeners"] = f"{client}://{cfg.host}:{cfg.port}"
        voters = cfg.voters or ((cfg.node_id, cfg.controller_port),)
        props["controller.quorum.voters"] = ",".join(f"{node}@{cfg.host}:{port}" for node, port in voters)
        props["log.dirs"] = str(self.storage_dir)
        header = f"# Written by ebrain.broker from {', '.join(map(str, sources))}; edits are overwritten.\n"
        body = "".join(f"{key}={value}\n" for key, value in props.items())
        # a closed broker's file holds the broker's own passwords: its owner alone reads it
        self.properties_path.unlink(missing_ok=True)
        with open(os.open(self.properties_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(header + body)

    def _cluster_id(self, java: str, new_id: str | None = None) -> str:
        """The id of the formatted storage, formatting it first (with `new_id`, or a new id) if this data
        directory is new; a closed broker's users are written into the storage then."""
        meta = self.storage_dir / "meta.properties"
        if not meta.is_file():
            cmd = [java, "-Xmx256m", *self._log_options(), "-cp", str(self.lib_dir / "*")]
            cmd += [
                "kafka.tools.StorageTool",
                "format",
                "-t",
                new_id or _new_cluster_id(),
                "-c",
                str(self.properties_path),
                *(self.users().scram_arguments() if self.closed else []),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
            if done.returncode != 0 or not meta.is_file():
                raise BrokerError(
                    f"formatting {self.storage_dir} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}"
                )
        for line in meta.read_text(encoding="utf-8").splitlines():
            if line.startswith("cluster.id="):
                return line.partition("=")[2].strip()
        raise BrokerError(f"{meta}: no cluster.id line; delete {self.config.data_dir} to start afresh")

    def _log_options(self) -> list[str]:
        return [
            f"-Dkafka.logs.dir={self.log_path.parent}",
            f"-Dlog4j2.configurationFile={self.conf_dir / 'log4j2.properties'}",
        ]

    def start(self, timeout_s: float = 90) -> float:
        """Start the broker; return the seconds until it answered a metadata request (a closed broker's ACLs
        created)."""
        began = time.monotonic()
        cluster_id = self.launch()
        try:
            self.wait_until_serving(cluster_id, began + timeout_s)
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - began

    def launch(self, new_cluster_id: str | None = None) -> str:
        """Format the storage if new (with `new_cluster_id` when given) and start the JVM; return the cluster id.
        It serves once ``wait_until_serving`` returns (a node of a cluster needs a quorum of controllers first)."""
        if self._process is not None and self._process.poll() is None:
            raise BrokerError(f"broker already running with pid {self._process.pid}")
        cfg = self.config
        java = _java()
        if not any(self.lib_dir.glob("kafka_2.13-*.jar")):
            raise BrokerError(f"no kafka_2.13 jar in {self.lib_dir}; run ebrain.broker.ensure_jars first")
        _check_port_free(cfg.host, cfg.port, "broker port")
        _check_port_free(cfg.host, cfg.controller_port, "controller port")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        formatted = (self.storage_dir / "meta.properties").is_file()
        has_users = (self.credentials_dir / f"{ADMIN_USER}.json").is_file()
        if formatted and self.closed and not has_users:
            raise BrokerError(
                f"{self.storage_dir} was formatted for an open broker, without users: delete {self.config.data_dir} "
                "to start a closed one afresh"
            )
        if formatted and not self.closed and has_users:
            raise BrokerError(
                f"{self.config.data_dir} holds a closed broker's data: start it with its access file (--access)"
            )
        self._write_properties()
        cluster_id = self._cluster_id(java, new_cluster_id)
        cmd = [java, f"-Xmx{cfg.heap}", f"-Xms{cfg.heap}", *_read_jvm_options(self.conf_dir / "jvm.options")]
        cmd += [
            *self._log_options(),
            "-cp",
            str(self.lib_dir / "*"),
            "kafka.Kafka",
            str(self.properties_path),
        ]
        with self.console_path.open("ab") as console:
            self._process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C in a terminal reaches us, and we stop the broker in order.
                start_new_session=True,
                preexec_fn=die_with_parent if self._die_with_parent else None,
            )
        print(
            f"Kafka broker pid {self._process.pid} starting at {self.bootstrap}; log: {self.log_path}",
            flush=True,
        )
        return cluster_id

    def wait_until_serving(self, cluster_id: str, deadline: float, brokers: int = 1) -> None:
        """Until a Metadata request answers with our cluster id and `brokers` live brokers; then, on a closed
        broker, the ACLs of every pipeline the access file names (the live one, a trainer's drills)."""
        assert self._process is not None
        admin = self._admin()
        last_error = "the broker port never opened"
        while time.monotonic() < deadline:
            code = self._process.poll()
            if code is not None:
                raise BrokerError(
                    f"the broker exited with code {code} while starting.\n{_tail(self.log_path)}\n"
                    f"{_tail(self.console_path, 10)}"
                )
            try:
                with socket.create_connection((self.config.host, self.config.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.1)
                continue
            try:
                cluster = probe(self.bootstrap, max(1.0, min(5.0, deadline - time.monotonic())), admin)
            except Exception as exc:
                last_error = f"metadata request failed: {exc!r}"
                time.sleep(0.2)
                continue
            if cluster.get("cluster_id") != cluster_id:
                raise BrokerError(
                    f"{self.bootstrap} answers for cluster {cluster.get('cluster_id')!r}, not ours "
                    f"({cluster_id!r}): another broker owns the port"
                )
            if len(live_brokers(cluster)) >= brokers:
                if self.config.access is not None:
                    for prefix in pipeline_prefixes(load_access(self.config.access)):
                        self.grant(prefix)
                return
            last_error = f"metadata lists {len(live_brokers(cluster))} of {brokers} live brokers"
            time.sleep(0.2)
        raise BrokerError(f"the broker did not accept clients in time ({last_error}).\n{_tail(self.log_path)}")

    def stop(self, grace_s: float = 15) -> None:
        """SIGTERM (a clean shutdown), then SIGKILL after ``grace_s``; safe to call twice."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)

    def kill(self) -> None:
        """SIGKILL (kill -9): no shutdown, no flush; the node is simply gone, as when its machine fails."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=30)

    def detach(self) -> int:
        """Forget the running broker so it outlives this process; returns its pid."""
        if self._process is None:
            raise BrokerError("no broker to detach")
        pid = self._process.pid
        self._process = None
        return pid


# --- `ebrain kafka up|down|status` ------------------------------------------------------------------


def _pid_alive_as_broker(pid: int, properties_path: Path) -> bool:
    """True when ``pid`` is still the broker started with ``properties_path`` (not a recycled pid)."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if Path("/proc/self").exists():
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            return False
        return b"kafka.Kafka" in args and str(properties_path).encode() in args
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate_pid(pid: int, properties_path: Path, grace_s: float) -> bool:
    """Stop a broker that is not our child; True when SIGKILL was needed."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    for sig_after, wait_s in ((signal.SIGKILL, grace_s), (None, 30.0)):
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if not _pid_alive_as_broker(pid, properties_path):
                return sig_after is None
            time.sleep(0.2)
        if sig_after is None:
            raise BrokerError(f"broker pid {pid} survived SIGKILL")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig_after)
    return True


def main_kafka(
    action: Literal["up", "down", "status"],
    project_root: Path,
    port: int = 9092,
    data_dir: Path | None = None,
    access: Path | None = None,
) -> int:
    """``ebrain kafka up|down|status``: a detached broker with its data in ``<project>/.kafka/``, or in ``data_dir``
    (which then names the broker for ``down`` and ``status`` too); open (development), or closed with ``access``
    (SASL/SCRAM users and ACLs, docs/broker.md).

    Exit codes: 0 on success (status: running and answering), 1 otherwise; messages go to stdout/stderr.
    """
    data_dir = (data_dir or project_root / ".kafka").resolve()
    config = BrokerConfig(data_dir=data_dir, port=port, controller_port=port + 1, access=access)
    admin_file = data_dir / "credentials" / f"{ADMIN_USER}.json"
    admin = KafkaCredentials.from_file(admin_file) if admin_file.is_file() else None
    record_path = data_dir / "broker.json"
    record: dict[str, Any] | None = None
    if record_path.is_file():
        record = json.loads(record_path.read_text(encoding="utf-8"))
    properties_path = data_dir / "server.properties"
    running = record is not None and _pid_alive_as_broker(int(record["pid"]), properties_path)
    if record is not None and not running:
        record_path.unlink()
        record = None

    if action == "status":
        if record is None:
            print(f"Kafka broker: not running (data in {data_dir})")
            return 1
        try:
            probe(record["bootstrap"], timeout_s=3, credentials=admin)
        except Exception as exc:
            print(f"Kafka broker: pid {record['pid']} is up but not answering at {record['bootstrap']}: {exc!r}")
            print(f"log: {record['log']}")
            return 1
        print(f"Kafka broker: running (pid {record['pid']}), bootstrap {record['bootstrap']}")
        print(f"log: {record['log']}")
        return 0

    if action == "down":
        if record is None:
            print("Kafka broker: not running; nothing to stop")
            return 0
        killed = _terminate_pid(int(record["pid"]), properties_path, grace_s=15)
        record_path.unlink()
        how = "killed with SIGKILL after 15 s" if killed else "stopped"
        print(f"Kafka broker pid {record['pid']} {how}")
        return 0

    if action == "up":
        if record is not None:
            print(f"Kafka broker: already running (pid {record['pid']}), bootstrap {record['bootstrap']}")
            return 0
        try:
            broker = KafkaBroker(config, ensure_jars(project_root), die_with_parent=False)
            seconds = broker.start()
        except BrokerError as exc:
            print(f"ebrain kafka up: {exc}", file=sys.stderr)
            return 1
        pid = broker.detach()
        new_record = {"pid": pid, "bootstrap": broker.bootstrap, "log": str(broker.log_path)}
        record_path.write_text(json.dumps(new_record, indent=2) + "\n", encoding="utf-8")
        print(f"Kafka broker: running (pid {pid}), bootstrap {broker.bootstrap}, answered after {seconds:.1f} s")
        where = "" if data_dir == (project_root / ".kafka").resolve() else f" --data-dir {data_dir}"
        print(f"log: {broker.log_path}; stop it with `ebrain kafka down{where}`")
        if broker.closed:
            print(f"closed: SASL/SCRAM-SHA-512 and ACLs from {access}; credentials files in {broker.credentials_dir}")
        return 0

    raise ValueError(f"action={action!r}: expected one of up, down, status")
