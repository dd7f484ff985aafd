"""Command posts knocked out: a county's own post out of action hands its work to the level above.

In the July 2023 flood 涿州's emergency bureau was itself flooded and without power. When an agency reports
that (`report:command_post_down`), the theater remembers it (state, persisted), tells the level above (the
prefecture, or the province for Beijing and Tianjin districts) about every open incident in that county, and from
then on addresses to the level above whatever would have gone to that county. `report:command_post_restored`
hands the work back.
"""

from __future__ import annotations

from playbooks.evidence import Signal
from playbooks.incident import Notification
from streams.theater.state import Emitter, TheaterContext, TheaterState

DOWN = "report:command_post_down"
RESTORED = "report:command_post_restored"


def level_above(ctx: TheaterContext, adcode: str) -> str:
    unit = ctx.regions.unit(adcode)
    return unit.city_adcode if unit.city_adcode != unit.province_adcode else unit.province_adcode


def stand_in(state: TheaterState, ctx: TheaterContext, adcode: str) -> str:
    """The unit that acts for `adcode` now: itself, or the level above while its post is down."""
    return level_above(ctx, adcode) if adcode in state.posts_down else adcode


def on_report(state: TheaterState, signal: Signal, ctx: TheaterContext, out: Emitter) -> bool:
    """Handle a post-down/restored report; returns True when the signal was one."""
    if signal.kind not in (DOWN, RESTORED) or not signal.adcode:
        return False
    county = ctx.regions.unit(signal.adcode)
    above = level_above(ctx, signal.adcode)
    if signal.kind == RESTORED:
        state.posts_down.pop(signal.adcode, None)
        message = f"{county.name}指挥部恢复运行，事件交还属地指挥"
    else:
        state.posts_down[signal.adcode] = signal
        message = f"{county.name}指挥部无法运行，其辖区事件由上级指挥（{signal.text[:80]}）"
    state.dirty.add(("meta", "posts"))
    incidents = [
        inc.id
        for inc in (state.fusion.incidents[key] for key in sorted(state.fusion.incidents))
        if inc.status == "open" and signal.adcode in inc.adcodes
    ]
    for incident_id in incidents or [""]:
        state.notification_number += 1
        note = Notification(
            id=f"N{state.notification_number:06d}",
            incident_id=incident_id,
            at_ms=state.now_ms,
            to_province=county.province_adcode,
            rule=f"agency:{signal.attr('agency')}",
            message=message,
            to_adcodes=(above,),
        )
        out.emit("notification", note.id, note)
    return True
