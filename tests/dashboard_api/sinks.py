"""A command sink for API tests: it keeps what it was given, so a test can see what an operator's action sent."""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.wire import contract


@dataclass
class RecordingSink:
    """A CommandSink that keeps what it was given."""

    commands: list[contract.Command] = field(default_factory=list)

    async def submit(self, command: contract.Command) -> None:
        self.commands.append(command)
