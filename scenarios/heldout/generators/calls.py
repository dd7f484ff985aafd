"""The runs of calls the held-out scenarios write: callers about one site or the event, each gist said in a
register of `voice.say`; and the everyday calls every scenario mixes in, matters unrelated to the event, each its
own truth event, so that fusing them into the event is counted as a mistake."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from scenarios.generators.callers import caller, marked_first
from scenarios.generators.timeline import Scenario
from scenarios.heldout.generators.voice import say

Choice = str | Sequence[str]  # a fixed value, or one drawn from the list for each call


def _drawn(rng: random.Random, choice: Choice) -> str:
    return choice if isinstance(choice, str) else rng.choice(list(choice))


def voiced_calls(
    s: Scenario,
    rng: random.Random,
    times: Iterable[int],
    province: str,
    gists: Sequence[str],
    places: Sequence[str],
    truth: tuple[str, ...],
    category: Choice = "求助",
    urgency: Choice = "一般",
    first_id: str = "",
) -> None:
    """One call per time to the province's hotline: a gist said in a register, from one of `places`; the first
    call carries `first_id`. The draws are made in the order the calls were first written in (gist, register,
    place, category, urgency, caller), so a scenario keeps its bytes."""
    for t, cid in marked_first(times, first_id):
        s.call(
            t,
            province,
            say(rng, rng.choice(list(gists)), province),
            rng.choice(list(places)),
            truth,
            category=_drawn(rng, category),
            urgency=_drawn(rng, urgency),
            caller=caller(rng),
            id=cid,
        )


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
