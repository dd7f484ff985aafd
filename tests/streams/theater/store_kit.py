"""The theater's durable tables as a Kafka worker keeps them (written from `changed_records`, read back by
`restore`): what the tests that restart a theater share."""

from __future__ import annotations

from geo.fleet import FleetState
from streams.theater import store
from streams.theater.state import TheaterState

Tables = dict[str, dict[str, bytes]]


def empty_tables() -> Tables:
    return {"incident": {}, "task": {}, "responder": {}, "meta": {}}


def write_changes(tables: Tables, state: TheaterState) -> None:
    """What the last steps changed into the tables, as the worker writes it (None deletes)."""
    for table, key, value in store.changed_records(state):
        if value is None:
            tables[table].pop(key, None)
        else:
            tables[table][key] = value


def restore_from(tables: Tables, initial_fleet: FleetState) -> TheaterState:
    return store.restore(
        initial_fleet,
        incidents=list(tables["incident"].values()),
        tasks=list(tables["task"].values()),
        statuses=list(tables["responder"].items()),
        meta=tables["meta"].get(store.META_KEY),
    )


def restored_copy(state: TheaterState, initial_fleet: FleetState) -> TheaterState:
    """The theater as a restart rebuilds it from everything `state` changed since it started (nothing deleted,
    the meta record written)."""
    tables = empty_tables()
    for table, key, value in store.changed_records(state):
        assert value is not None, f"{table}:{key} deleted before the first save"
        tables[table][key] = value
    assert store.META_KEY in tables["meta"], "no meta record to restore from"
    return restore_from(tables, initial_fleet)
