"""A closed broker: who may connect (SASL/SCRAM-SHA-512 users) and what each may do (ACLs), from
``broker/access.yaml``.

The rule is deny by default: the broker runs Kafka's ``StandardAuthorizer`` with no access for anyone the file does
not name (``allow.everyone.if.no.acl.found=false``), so an unauthenticated client cannot even connect, and a
principal gets exactly its role's topics. The users' SCRAM credentials are written into the storage when it is
formatted (``kafka-storage format --add-scram``, KIP-900), salted here, so no password is ever on a command line;
each principal's password is in its own credentials file (mode 600) under ``<data dir>/credentials/``. The broker
itself connects to its peers as ``broker`` (SCRAM, super user) and to the controllers as ``controller`` (PLAIN, on
the controller listener, which clients never use).

Kafka authorizes per topic, not per record: the clock's ticks share each input partition with the input they are
the watermark of, so a principal that may write an input topic may also put a tick on it. What the ACLs guarantee
is that it can write nowhere else; that such a tick moves nothing is the clock's signature
(streams/wire/tick_signature.py), which a live worker checks.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pydantic

from geo.datafiles import StrictModel, load_yaml_model
from streams.runtime.kafka_auth import MECHANISM, KafkaCredentials
from streams.wire import topics

#: the super users the broker processes themselves authenticate as
BROKER_USER = "broker"
CONTROLLER_USER = "controller"
#: the principal `ebrain.broker` uses to apply the ACLs (a super user, like the broker's own)
ADMIN_USER = "admin"
SCRAM_ITERATIONS = 8192
_TOPIC_NAMES = frozenset(spec.name for spec in topics.ALL)


class Role(StrictModel):
    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    create: Literal["all", "none"] = "none"
    describe: Literal["all", "none"] = "none"
    pipeline: bool = False  # the worker: its group, transactional ids and faust's own topics
    groups: Literal["own", "none"] = "none"  # consumer groups named after the principal

    @pydantic.field_validator("read", "write")
    @classmethod
    def _known_topics(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        _check_topics(names)
        return names


class PrincipalEntry(StrictModel):
    name: str = pydantic.Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    role: str
    writes: tuple[str, ...] = ()  # an agency's own input topics, besides its role's
    prefix: str | None = None  # the topic prefix its grants apply to (default: the pipeline's)

    @pydantic.field_validator("writes")
    @classmethod
    def _known_topics(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        _check_topics(names)
        return names


class AccessFile(StrictModel):
    roles: dict[str, Role]
    principals: tuple[PrincipalEntry, ...]

    @pydantic.model_validator(mode="after")
    def _roles_exist(self) -> AccessFile:
        for entry in self.principals:
            if entry.role not in self.roles:
                raise ValueError(f"principal {entry.name!r}: no role {entry.role!r} (roles: {', '.join(self.roles)})")
            if entry.name in (BROKER_USER, CONTROLLER_USER, ADMIN_USER):
                raise ValueError(f"principal {entry.name!r}: reserved for the broker itself")
        names = [entry.name for entry in self.principals]
        if len(set(names)) != len(names):
            raise ValueError(f"a principal is named twice: {sorted(n for n in names if names.count(n) > 1)}")
        return self


def _check_topics(names: Iterable[str]) -> None:
    unknown = sorted(set(names) - _TOPIC_NAMES)
    if unknown:
        raise ValueError(f"{', '.join(unknown)}: not in the topic map ({', '.join(sorted(_TOPIC_NAMES))})")


def load_access(path: Path) -> AccessFile:
    """The access file, every problem named with its line (geo.datafiles)."""
    return load_yaml_model(AccessFile, path)


# --- ACLs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """One ACL: allow `principal` to do `operation` on a resource (Kafka's names: TOPIC, GROUP, ...)."""

    principal: str
    operation: str  # READ, WRITE, CREATE, DESCRIBE, ALL
    resource: str  # TOPIC, GROUP, TRANSACTIONAL_ID
    name: str
    pattern: Literal["LITERAL", "PREFIXED"] = "LITERAL"


def pipeline_group(prefix: str) -> str:
    """The worker's consumer group id (faust's app id): its transactional ids and its own topics start with it."""
    return topics.pipeline_id(prefix)


def pipeline_prefixes(access: AccessFile) -> list[str]:
    """The pipelines the file names: the live one (no prefix) and each principal's own (a trainer's drills)."""
    return sorted({"", *(entry.prefix for entry in access.principals if entry.prefix is not None)})


def grants(access: AccessFile, prefix: str = "") -> list[Grant]:
    """Every ACL the access file means for a pipeline whose topics carry `prefix`."""
    out: list[Grant] = []
    for entry in access.principals:
        role = access.roles[entry.role]
        user = f"User:{entry.name}"
        own = prefix if entry.prefix is None else entry.prefix
        for name in role.read:
            out.append(Grant(user, "READ", "TOPIC", own + name))
        for name in (*role.write, *entry.writes):
            out.append(Grant(user, "WRITE", "TOPIC", own + name))
        if role.create == "all":
            out.extend(Grant(user, "CREATE", "TOPIC", own + spec.name) for spec in topics.ALL)
        if role.describe == "all" or role.create == "all":
            out.extend(Grant(user, "DESCRIBE", "TOPIC", own + spec.name) for spec in topics.ALL)
        if role.pipeline:
            group = pipeline_group(own)
            out.append(Grant(user, "READ", "GROUP", group))
            out.append(Grant(user, "ALL", "TOPIC", f"{group}-", "PREFIXED"))
            out.append(Grant(user, "WRITE", "TRANSACTIONAL_ID", f"{group}-", "PREFIXED"))
            out.append(Grant(user, "DESCRIBE", "TRANSACTIONAL_ID", f"{group}-", "PREFIXED"))
        if role.groups == "own":
            out.append(Grant(user, "READ", "GROUP", f"{entry.name}.", "PREFIXED"))
    return sorted(set(out), key=lambda g: (g.principal, g.resource, g.name, g.operation))


def apply_grants(bootstrap: str, admin: KafkaCredentials, wanted: Iterable[Grant]) -> int:
    """Create the ACLs (creating one that exists changes nothing); returns how many were sent."""
    from kafka.admin import (
        ACL,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        KafkaAdminClient,
        ResourcePattern,
        ResourceType,
    )

    from streams.runtime.kafka_auth import kafka_python_options

    acls = [
        ACL(
            principal=g.principal,
            host="*",
            operation=ACLOperation[g.operation],
            permission_type=ACLPermissionType.ALLOW,
            resource_pattern=ResourcePattern(ResourceType[g.resource], g.name, ACLResourcePatternType[g.pattern]),
        )
        for g in wanted
    ]
    client = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="ebrain-acls", **kafka_python_options(admin))
    try:
        result = client.create_acls(acls)
    finally:
        client.close()
    failed = result.get("failed") or []
    if failed:
        raise RuntimeError(f"the broker refused {len(failed)} ACLs, the first: {failed[0]!r}")
    return len(acls)


# --- users ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Users:
    """The password of every user of a closed broker: the broker's own and one per principal."""

    passwords: Mapping[str, str]

    @classmethod
    def load_or_create(cls, folder: Path, names: Iterable[str]) -> Users:
        """Each user's credentials file in `folder`, created (random password, mode 600) when missing."""
        passwords: dict[str, str] = {}
        for name in (BROKER_USER, CONTROLLER_USER, ADMIN_USER, *names):
            path = folder / f"{name}.json"
            if not path.is_file():
                KafkaCredentials(name, secrets.token_urlsafe(24)).write(path)
            passwords[name] = KafkaCredentials.from_file(path).password
        return cls(passwords)

    def credentials(self, name: str) -> KafkaCredentials:
        return KafkaCredentials(name, self.passwords[name])

    def scram_arguments(self) -> list[str]:
        """``--add-scram`` arguments of the storage tool for every SCRAM user, salted here (RFC 5802's
        SaltedPassword), so the tool's command line holds no password."""
        args: list[str] = []
        for name, password in sorted(self.passwords.items()):
            if name == CONTROLLER_USER:  # PLAIN, on the controller listener only
                continue
            salt = secrets.token_bytes(16)
            salted = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, SCRAM_ITERATIONS)
            args += [
                "--add-scram",
                f'{MECHANISM}=[name={name},salt="{base64.b64encode(salt).decode()}",'
                f'saltedpassword="{base64.b64encode(salted).decode()}",iterations={SCRAM_ITERATIONS}]',
            ]
        return args

    def server_properties(self) -> dict[str, str]:
        """The broker settings of a closed broker (the listeners' names are ebrain.broker's: CLIENT, CONTROLLER)."""
        broker, controller = self.passwords[BROKER_USER], self.passwords[CONTROLLER_USER]
        return {
            "listener.security.protocol.map": "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
            "inter.broker.listener.name": "CLIENT",
            "sasl.enabled.mechanisms": MECHANISM,
            "sasl.mechanism.inter.broker.protocol": MECHANISM,
            "listener.name.client.sasl.enabled.mechanisms": MECHANISM,
            "listener.name.client.scram-sha-512.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                f'username="{BROKER_USER}" password="{broker}";'
            ),
            # SCRAM users live in the metadata the controllers serve, so the controllers cannot use SCRAM
            # themselves: PLAIN with one static user, on a listener only brokers and controllers connect to
            "sasl.mechanism.controller.protocol": "PLAIN",
            "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
            "listener.name.controller.plain.sasl.jaas.config": (
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                f'username="{CONTROLLER_USER}" password="{controller}" user_{CONTROLLER_USER}="{controller}";'
            ),
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found": "false",
            "super.users": f"User:{BROKER_USER};User:{CONTROLLER_USER};User:{ADMIN_USER}",
        }
