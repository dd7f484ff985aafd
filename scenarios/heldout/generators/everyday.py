"""The everyday calls every held-out scenario mixes in: matters unrelated to the event, each its own truth event,
so that fusing them into the event is counted as a mistake."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from scenarios.generators.common import Scenario, caller
from scenarios.heldout.generators.voice import say


def everyday_calls(
    s: Scenario,
    rng: random.Random,
    times: Iterable[int],
    matters: Sequence[tuple[str, str, str]],
    unrelated: str,
    categories: Sequence[str],
) -> None:
    """One call per time, cycling through `matters` (gist, place, province); `unrelated` begins each event's note
    ("a matter unrelated to the cold")."""
    for k, t in enumerate(times):
        text, place, province = matters[k % len(matters)]
        eid = f"everyday-{k + 1:02d}"
        s.event(eid, f"{unrelated}: {text[:16]}…")
        s.call(
            t,
            province,
            say(rng, text, province),
            place,
            s.whole(eid),
            category=rng.choice(list(categories)),
            caller=caller(rng),
        )
