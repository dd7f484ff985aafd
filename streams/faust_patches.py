"""A correction to faust-streaming 0.15.3 that the Kafka runtime applies before it builds its app.

Faust flushes its producer buffer before an at-least-once offset commit but not before an exactly-once one:
table (changelog) writes still in the buffer then go into the *next* transaction, and if no later commit comes
(the worker stops, or its partitions are revoked) that transaction is aborted and the writes are lost while their
source offsets stay committed. The smoke test `test_kafka_smoke.py` reproduces the loss without this patch.
"""

from __future__ import annotations

from typing import Any


def flush_changelog_before_commit() -> None:
    """Make an exactly-once commit include the table writes it covers (idempotent)."""
    from faust.transport.consumer import TransactionManager

    original = TransactionManager.commit
    if getattr(original, "flushes_buffer_first", False):
        return

    async def commit(self: TransactionManager, offsets: Any, start_new_transaction: bool = True) -> bool:
        await self.producer.buffer.flush()
        return await original(self, offsets, start_new_transaction)

    commit.flushes_buffer_first = True  # type: ignore[attr-defined]
    TransactionManager.commit = commit  # type: ignore[method-assign]
