"""`Words`: what the brain says to people about a delta, a decision or an entity, in Chinese and English.

It reads the feed's JSON form of things (an incident, a task, ... as dicts), so the API and the after-action
report use it alike. Names come from data: places from the boundary data (`places.py`), rules and timers from
the playbooks' titles, everything else from the phrasebook. Whatever it could not say from data (a decision no
template matches, a rule without a title) is said generically and listed in `Said.missing`, which the
completeness test turns into a failure: an operator never sees an id, an epoch time, an adcode or JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from geo.regions import RegionIndex
from playbooks.plan import Playbook
from streams.words.clock import clock, clock_and_relative, span
from streams.words.phrasebook import Pair, Phrasebook, Template, fill, first_match
from streams.words.places import PlaceNames

LANGS = ("zh", "en")
MAX_LINES = 4  # decisions said per incident delta; the rest are counted
_UNIT_ID = re.compile(r"(?P<kind>[a-z_]+)-(?P<adcode>\d{6})-(?P<n>\d+)")
_BORROWED = re.compile(r", (\d+) asked of (\d{6})")
_SHORT = re.compile(r", (\d+) short")
_STAGE_RULE = re.compile(r"stage:(?:(?P<stage>before|during|after|closed):)?(?P<what>enter|exit|reopen|overdue)")
Json = Mapping[str, Any]


class Lookup(Protocol):
    """What the renderer may look up by id (the API's picture, the report's outcome)."""

    def incident(self, incident_id: str) -> Json | None: ...

    def task(self, task_id: str) -> Json | None: ...

    def exchange(self, request_id: str) -> Json | None: ...


class MappingLookup:
    """A Lookup over entities by id in the feed's JSON: the API's picture, a run's outcome."""

    def __init__(self, incidents: Mapping[str, Json], tasks: Mapping[str, Json], exchanges: Mapping[str, Json]) -> None:
        self.incidents = incidents
        self.tasks = tasks
        self.exchanges = exchanges

    def incident(self, incident_id: str) -> Json | None:
        return self.incidents.get(incident_id)

    def task(self, task_id: str) -> Json | None:
        return self.tasks.get(task_id)

    def exchange(self, request_id: str) -> Json | None:
        return self.exchanges.get(request_id)


class NoLookup(MappingLookup):
    """Nothing to look up: things are named by what the delta itself carries."""

    def __init__(self) -> None:
        super().__init__({}, {}, {})


@dataclass
class Said:
    """Lines in both languages, and what the data had no words for (empty when everything was said)."""

    zh: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add(self, pair: Pair) -> None:
        self.zh.append(pair[0])
        self.en.append(pair[1])

    def as_json(self) -> dict[str, list[str]]:
        return {"zh": self.zh, "en": self.en}


@dataclass
class _Scene:
    """What one saying is about: for looking up ids and choosing the playbook whose titles apply."""

    lookup: Lookup
    now_ms: int
    playbook: str = ""
    missing: list[str] = field(default_factory=list)


class Words:
    def __init__(
        self,
        phrasebook: Phrasebook,
        places: PlaceNames,
        playbooks: Mapping[str, Playbook] | Sequence[Playbook] = (),
    ) -> None:
        self.book = phrasebook
        self.places = places
        books = list(playbooks.values()) if isinstance(playbooks, Mapping) else list(playbooks)
        self._playbook_titles: dict[str, Pair] = {}
        self._rules: dict[tuple[str, str], Pair] = {}
        self._timers: dict[tuple[str, str], Pair] = {}
        for book in books:
            self._playbook_titles[book.id] = (book.titles.zh, book.titles.en)
            for rule in book.rules:
                if rule.title is not None:
                    self._rules[(book.id, rule.id)] = (rule.title.zh, rule.title.en)
                    self._rules.setdefault(("", rule.id), (rule.title.zh, rule.title.en))
            for timer in book.timers:
                if timer.title is not None:
                    self._timers[(book.id, timer.id)] = (timer.title.zh, timer.title.en)
                    self._timers.setdefault(("", timer.id), (timer.title.zh, timer.title.en))

    @classmethod
    def build(cls, regions: RegionIndex, playbooks: Mapping[str, Playbook] | Sequence[Playbook] = ()) -> Words:
        """The shipped phrasebook, the theater's place names and the playbooks' titles."""
        return cls(Phrasebook.load(), PlaceNames(regions), playbooks)

    # -- small words ---------------------------------------------------------------------------------

    def line(self, line: str, lang: str, /, **values: str) -> str:
        return fill(self.book.lines[line][_i(lang)], values)

    def word(self, kind: str, key: str | None, lang: str, scene: _Scene | None = None) -> str:
        said = self.book.word(kind, key if key not in (None, "") else "-", lang)
        if said is None:
            if scene is not None:
                scene.missing.append(f"{kind} {key!r}")
            return "—"
        return said

    def text(self, text: str, lang: str) -> str:
        """Free text from data (a playbook's reason or message) in `lang`, if the phrasebook has it."""
        pair = self.book.texts.get(text.strip())
        return text if pair is None else pair[_i(lang)]

    def place(self, adcode: str | None, lang: str, short: bool = False, scene: _Scene | None = None) -> str:
        name = self.places.name(adcode or "", lang, short)
        if name is None:
            if scene is not None and adcode:
                scene.missing.append(f"place {adcode!r}")
            return "—"
        return name

    def places_list(self, adcodes: Sequence[str], lang: str, scene: _Scene | None = None) -> str:
        return self.line("list_separator", lang).join(self.place(a, lang, scene=scene) for a in adcodes)

    def unit(self, responder_id: str | None, lang: str, fallback: str = "", scene: _Scene | None = None) -> str:
        """A responder's name from its id (`fire_station-131082-01`): kind, county and number."""
        found = _UNIT_ID.fullmatch(responder_id or "")
        form = self.book.units.get(found.group("kind")) if found else None
        if found is None or form is None or not self.places.known(found.group("adcode")):
            if scene is not None:
                scene.missing.append(f"unit {responder_id!r}")
            return fallback or ("队伍" if lang == "zh" else "a unit")
        county = self.place(found.group("adcode"), lang, short=True)
        return form[_i(lang)].format(county=county, n=int(found.group("n")))

    def unit_home(self, responder_id: str | None) -> str | None:
        found = _UNIT_ID.fullmatch(responder_id or "")
        return found.group("adcode") if found else None

    def centre(self, code: str, lang: str) -> str:
        if code == "joint":
            return self.book.centres["joint"][_i(lang)]
        kind = "province" if code.endswith("0000") else "county"
        short = kind == "province" and lang == "en"
        return self.book.centres[kind][_i(lang)].format(place=self.place(code, lang, short=short))

    def playbook_title(self, playbook_id: str, lang: str, scene: _Scene | None = None) -> str:
        pair = self._playbook_titles.get(playbook_id)
        return self._titled(pair, lang, scene, f"playbook {playbook_id!r}")

    def rule_title(self, rule_id: str, lang: str, scene: _Scene | None = None, playbook: str = "") -> str:
        stage = _STAGE_RULE.fullmatch(rule_id)
        if stage is not None:
            form = getattr(self.book.stage_rules, stage.group("what"))[_i(lang)]
            return form.format(stage=self.word("stage", stage.group("stage") or "during", lang))
        hint = playbook or (scene.playbook if scene else "")
        pair = self._rules.get((hint, rule_id)) or self._rules.get(("", rule_id))
        return self._titled(pair, lang, scene, f"rule {rule_id!r}")

    def rule_ids(self, playbook_id: str) -> tuple[str, ...]:
        """The ids of the rules a playbook holds (its own, its stages' and its base's), in file order."""
        return tuple(rule for book, rule in self._rules if book == playbook_id)

    def timer_title(self, timer_id: str, lang: str, scene: _Scene | None = None, playbook: str = "") -> str:
        if timer_id.startswith("stage:") or timer_id.startswith("approval:"):
            return self.rule_title(timer_id, lang, scene)
        hint = playbook or (scene.playbook if scene else "")
        pair = self._timers.get((hint, timer_id)) or self._timers.get(("", timer_id))
        return self._titled(pair, lang, scene, f"timer {timer_id!r}")

    def _titled(self, pair: Pair | None, lang: str, scene: _Scene | None, what: str) -> str:
        """A title in `lang`, or the unknown rule's words when there is none (the scene notes `what` as missing)."""
        if pair is None:
            if scene is not None:
                scene.missing.append(what)
            return self.line("rule_unknown", lang)
        return pair[_i(lang)]

    def incident_title(
        self, incident: Json | None, lang: str, scene: _Scene | None = None, blank_if_unknown: bool = False
    ) -> str:
        if incident is None:
            return "" if blank_if_unknown else self.line("no_incident", lang)
        kind = self.word("type", incident.get("type"), lang, scene)
        place = self.place(incident.get("adcode"), lang, short=lang == "en", scene=scene)
        return _capital(self.line("incident_title", lang, type=kind, place=place), lang)

    # -- templates -----------------------------------------------------------------------------------

    def _value(self, kind: str, raw: str, lang: str, scene: _Scene) -> str:
        if raw is None:
            return ""
        if kind in self.book.vocabulary:
            return self.word(kind, raw, lang, scene)
        if kind in ("int", "num"):
            return raw
        if kind == "pct":
            return f"{round(float(raw) * 100)}%"
        if kind == "minutes":
            return span(int(raw) * 60_000, lang)
        if kind == "text":
            return self.text(raw, lang)
        if kind == "message":
            return self._said(self.book.notifications, raw, lang, scene, "notification") if raw else ""
        if kind == "site":  # a registered site, by the name the register gives it
            return self.places.local_name(raw, lang)
        if kind in ("province", "place"):
            return self.place(raw, lang, scene=scene)
        if kind in ("provinces", "places"):
            return self.places_list(raw.split(", "), lang, scene)
        if kind == "rule":
            return self.rule_title(raw, lang, scene)
        if kind == "timer":
            return self.timer_title(raw, lang, scene)
        if kind == "playbook":
            return self.playbook_title(raw, lang, scene)
        if kind == "incident":
            found = scene.lookup.incident(raw)
            if found is None:
                scene.missing.append(f"incident {raw!r}")
            return self.incident_title(found, lang, scene)
        if kind == "responder":
            return self.unit(raw, lang, scene=scene)
        if kind == "owner":
            return self.owner(raw, lang, scene)
        if kind == "task":
            task = scene.lookup.task(raw)
            capability = self.word("capability", task.get("capability") if task else None, lang)
            return self.line("task_label", lang, capability=capability)
        if kind == "request":
            exchange = scene.lookup.exchange(raw)
            capability = self.word("capability", exchange.get("capability") if exchange else None, lang)
            return self.line("request_label", lang, capability=capability)
        if kind == "operator":
            name, _, centre = raw.rpartition("@")
            if not name:
                return raw
            return self.line("operator", lang, name=name, centre=self.centre(centre, lang))
        if kind == "actor":
            return self.actor(raw, lang, scene)
        if kind == "iso":
            return _iso_clock(raw, lang, scene.now_ms)
        if kind == "borrowed":
            return "".join(
                self.line("borrowed", lang, count=n, province=self.place(p, lang, scene=scene))
                for n, p in _BORROWED.findall(raw)
            )
        if kind == "short":
            short = _SHORT.fullmatch(raw)
            return self.line("short", lang, count=short.group(1)) if short else ""
        return ""  # approval, warning: ids said through their context, never shown

    def _values(self, template: Template, values: dict[str, str], lang: str, scene: _Scene) -> dict[str, str]:
        kinds = dict(template.kinds)
        return {name: self._value(kinds[name], raw, lang, scene) for name, raw in values.items()}

    def _said(
        self, templates: tuple[Template, ...], text: str, lang: str, scene: _Scene, what: str, extra: dict | None = None
    ) -> str:
        hit = first_match(templates, text)
        if hit is None:
            scene.missing.append(f"{what} {text!r}")
            return ""
        template, values = hit
        said = self._values(template, values, lang, scene)
        said.update(extra or {})
        return fill(template.say[_i(lang)], said)

    def actor(self, rule: str, lang: str, scene: _Scene) -> str:
        said = self._said(self.book.actors, rule, lang, scene, "actor") or self.line("rule_unknown", lang)
        return _capital(said, lang)

    def decision(self, decision: Json, lang: str, scene: _Scene) -> tuple[str, str]:
        """(who, what) of one decision: the rule or person, and the change in words."""
        what = str(decision.get("what", ""))
        hit = first_match(self.book.decisions, what)
        if hit is None:
            scene.missing.append(f"decision {what!r}")
            return self.actor(str(decision.get("rule", "")), lang, scene), ""
        template, values = hit
        said = self._values(template, values, lang, scene)
        reason_template = self.book.reasons.get(template.source)
        if reason_template is not None:
            reason = str(decision.get("reason") or "")
            found = reason_template.match(reason) if reason else None
            if found is not None:
                said.update(self._values(reason_template, found, lang, scene))
        return self.actor(str(decision.get("rule", "")), lang, scene), fill(template.say[_i(lang)], said)

    def rejection(self, text: str, lang: str, scene: _Scene) -> str:
        return self._said(self.book.rejections, text, lang, scene, "rejection")

    # -- the feed ------------------------------------------------------------------------------------

    def delta(
        self,
        kind: str,
        data: Any,
        at_ms: int,
        lookup: Lookup | None = None,
        previous: Json | None = None,
    ) -> Said:
        """The feed lines for one delta (`previous`: the entity before it, for what an incident delta adds)."""
        scene = _Scene(lookup or NoLookup(), at_ms)
        said = Said()
        if kind == "incident":
            scene.playbook = str(data.get("playbook", ""))
            self._incident_lines(data, previous, scene, said)
        elif kind == "rejected":
            for lang in LANGS:
                text = self.rejection(str(data), lang, scene)
                getattr(said, lang).append(self.line("rejected", lang, said=text or _GENERIC[lang]))
        else:
            method = getattr(self, f"_{kind}_line", None)
            if method is None:
                scene.missing.append(f"delta kind {kind!r}")
                said.add(("动态更新", "update"))
            else:
                incident = scene.lookup.incident(str(data.get("incident_id", ""))) if "incident_id" in data else None
                scene.playbook = str(incident.get("playbook", "")) if incident else ""
                said.add((method(data, "zh", scene, incident), method(data, "en", scene, incident)))
        said.missing = scene.missing
        return said

    def _incident_lines(self, data: Json, previous: Json | None, scene: _Scene, said: Said) -> None:
        decisions = list(data.get("decisions") or [])
        seen = len(previous.get("decisions") or []) if previous else 0
        new = decisions[seen:] if seen <= len(decisions) else decisions[-1:]
        titles = {lang: self.incident_title(data, lang, scene) for lang in LANGS}
        shown = self._worth_saying(new)
        for n, decision in enumerate(shown):
            for lang in LANGS:
                who, what = self.decision(decision, lang, scene)
                form = "incident" if n == 0 else "incident_next"  # the title once per delta
                getattr(said, lang).append(self.line(form, lang, title=titles[lang], actor=who, said=what))
        if len(new) > len(shown):
            more = str(len(new) - len(shown))
            said.add((self.line("more", "zh", count=more), self.line("more", "en", count=more)))
        if new:
            return
        before = dict(map(tuple, previous.get("counts") or [])) if previous else {}
        after = dict(map(tuple, data.get("counts") or []))
        added = {k: n - before.get(k, 0) for k, n in after.items() if n > before.get(k, 0)}
        if added:
            top = max(added, key=lambda k: (added[k], k))
            for lang in LANGS:
                line = self.line(
                    "incident_evidence",
                    lang,
                    title=titles[lang],
                    count=str(sum(added.values())),
                    signal=self.word("signal", top, lang, scene),
                )
                getattr(said, lang).append(line)
        else:
            said.add(tuple(self.line("incident_update", lang, title=titles[lang]) for lang in LANGS))  # type: ignore[arg-type]

    def _worth_saying(self, decisions: list[Json]) -> list[Json]:
        """At most MAX_LINES decisions, in order: the changes first, then quiet ones (timers, rules fired)."""
        quiet = []
        for i, decision in enumerate(decisions):
            hit = first_match(self.book.decisions, str(decision.get("what", "")))
            if hit is not None and hit[0].source in self.book.quiet:
                quiet.append(i)
        loud = [i for i in range(len(decisions)) if i not in set(quiet)]
        keep = sorted((loud + quiet)[:MAX_LINES])
        return [decisions[i] for i in keep]

    def _task_line(self, task: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        title = self.incident_title(incident, lang, scene, blank_if_unknown=True)
        capability = self.word("capability", task.get("capability"), lang, scene)
        if task.get("status") == "unfilled" or not task.get("responder_id"):
            return self.line("task_unfilled", lang, title=title, capability=capability)
        home = task.get("responder_adcode") or self.unit_home(task.get("responder_id"))
        eta = ""
        if task.get("status") in ("dispatched", "acknowledged", "en_route") and task.get("travel_s") is not None:
            eta = clock_and_relative(int(task["created_at_ms"] + task["travel_s"] * 1000), scene.now_ms, lang)
        return self.line(
            "task",
            lang,
            title=title,
            unit=self.owner(str(task["responder_id"]), lang, scene)
            if task.get("agency_kind")
            else self.unit(task.get("responder_id"), lang, str(task.get("responder_name", "")), scene),
            capability=capability,
            status=self.word("task_status", task.get("status"), lang, scene),
            eta=eta,
            **{"from": self.place(home, lang, short=True, scene=scene)},
        )

    def _responder_line(self, data: Json, lang: str, scene: _Scene, _: Json | None) -> str:
        unit = self.unit(str(data.get("id", "")), lang, str(data.get("name", "")), scene)
        return self.line("responder", lang, unit=unit, status=self.word("responder_status", data.get("status"), lang))

    def _notification_line(self, note: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        to = self.place(note.get("to_province"), lang, scene=scene)
        if note.get("to_adcodes"):
            to += f"（{self.places_list(note['to_adcodes'], lang, scene)}）" if lang == "zh" else ""
            to += f" ({self.places_list(note['to_adcodes'], lang, scene)})" if lang == "en" else ""
        values = {
            "to": to,
            "by": self.actor(str(note.get("rule", "")), lang, scene),
            "message": self.notification_message(note, lang, scene),
        }
        if not note.get("incident_id"):
            return self.line("notification_general", lang, **values)
        return self.line("notification", lang, title=self.incident_title(incident, lang, scene, True), **values)

    def notification_message(self, note: Json, lang: str, scene: _Scene) -> str:
        return self._said(self.book.notifications, str(note.get("message", "")), lang, scene, "notification")

    def _mutual_aid_line(self, x: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        stage = str(x.get("stage", ""))
        name = f"aid_{stage}"
        if name not in self.book.lines:
            scene.missing.append(f"aid_stage {stage!r}")
            name = "aid_requested"
        due = clock_and_relative(int(x["due_ms"]), scene.now_ms, lang) if x.get("due_ms") else ""
        return self.line(
            name,
            lang,
            title=self.incident_title(incident, lang, scene, True),
            borrower=self.place(x.get("borrower"), lang, scene=scene),
            lender=self.place(x.get("lender"), lang, scene=scene),
            count=str(x.get("count", "")),
            offered=str(len(x.get("responder_ids") or []) or x.get("count", "")),
            capability=self.word("capability", x.get("capability"), lang, scene),
            due=due,
        )

    def warning_headline(self, w: Json, lang: str, scene: _Scene | None = None) -> str:
        headline = str(w.get("headline", ""))
        if lang == "zh" or headline in self.book.texts:
            return self.text(headline, lang)
        cap = w.get("cap") or {}
        event = self.text(str(cap.get("event", "")), lang) if cap.get("event") else ""
        return _capital(
            self.line("warning_headline", lang, event=event, colour=self.word("colour", w.get("colour"), lang)), lang
        )

    def _warning_line(self, w: Json, lang: str, scene: _Scene, _: Json | None) -> str:
        return self.line(
            "warning",
            lang,
            msg_type=self.word("msg_type", w.get("msg_type"), lang, scene),
            headline=self.warning_headline(w, lang, scene),
            area=self.places_list(list(w.get("area_adcodes") or []), lang, scene),
        )

    def _event_line(self, e: Json, lang: str, scene: _Scene, _: Json | None) -> str:
        """A site named part of a regional event (events and sites, docs/fusion.md)."""
        site = {"type": e.get("site_type"), "adcode": e.get("adcode")}
        event = scene.lookup.incident(str(e.get("event_id", ""))) or {"type": e.get("event_type"), "adcode": ""}
        return self.line(
            "event",
            lang,
            site=self.incident_title(site, lang, scene),
            event=self.incident_title(event, lang, scene),
        )

    def _closure_line(self, c: Json, lang: str, scene: _Scene, _: Json | None) -> str:
        return self.line(
            "closure",
            lang,
            kind=self.word("closure", c.get("kind"), lang, scene),
            place=self.closure_place(c, lang),
            radius=f"{float(c.get('radius_m') or 0):.0f}",
            status=self.word("closure_status", c.get("status") or "active", lang, scene),
        )

    def closure_place(self, c: Json, lang: str) -> str:
        adcode = self.places.locate(c.get("lon"), c.get("lat"))
        return self.place(adcode, lang) if adcode else "—"

    def _casualty_routing_line(self, r: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        shares = [
            self.line(
                "casualty_share",
                lang,
                name=self.unit(str(h.get("hospital_id", "")), lang, str(h.get("name", "")), scene),
                count=str(h.get("casualties", "")),
                speciality=self.word("speciality", h["speciality"], lang, scene) if h.get("speciality") else "",
                travel=span(int(float(h.get("travel_s") or 0) * 1000), lang),
            )
            for h in r.get("hospitals") or []
        ]
        return self.line(
            "casualty_routing",
            lang,
            title=self.incident_title(incident, lang, scene, True),
            shares=self.line("share_separator", lang).join(shares),
            unplaced=str(r["unplaced"]) if r.get("unplaced") else "",
        )

    def _report_line(self, r: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        """A report upward due, submitted or late (streams/theater/reporting.py)."""
        status = str(r.get("status", ""))
        values = {
            "title": self.incident_title(incident, lang, scene, True),
            "kind": self.word("report_kind", r.get("kind"), lang, scene),
            "channel": self.word("report_channel", r.get("channel"), lang, scene),
            "to": self.word("report_to", r.get("to"), lang, scene),
            "due": clock_and_relative(int(r.get("due_ms") or 0), scene.now_ms, lang),
        }
        if status == "submitted":
            by = self.actor(str(r.get("submitted_by", "")), lang, scene)
            return self.line(
                "report_submitted",
                lang,
                by=by,
                late=self.line("report_was_late", lang) if r.get("late") else "",
                **values,
            )
        if status == "late":
            return self.line(
                "report_late", lang, **{**values, "due": clock(int(r.get("due_ms") or 0), lang, scene.now_ms)}
            )
        return self.line("report_due", lang, reason=self.report_reasons(r, lang, scene), **values)

    def report_reasons(self, r: Json, lang: str, scene: _Scene | None = None) -> str:
        reasons = [self.word("report_reason", x, lang, scene) for x in str(r.get("reason", "")).split("+") if x]
        return self.line("list_separator", lang).join(reasons)

    def _losses_line(self, t: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        """An incident's summed loss statistics (streams/theater/losses.py)."""
        return self.line(
            "losses",
            lang,
            title=self.incident_title(incident, lang, scene, True),
            agencies=str(t.get("agencies", 0)),
            deaths=f"{int(t.get('deaths') or 0):,}",
            injured=f"{int(t.get('injured') or 0):,}",
            missing=f"{int(t.get('missing') or 0):,}",
            relocated=f"{int(t.get('relocated') or 0):,}",
            houses=f"{int(t.get('houses_damaged') or 0):,}",
            loss=self.money(int(t.get("direct_loss_cny") or 0), lang),
        )

    def _supply_line(self, x: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        """A supply or shelter-place exchange moved (streams/theater/supplies.py), with the stock left in its depots."""
        values = {
            "title": self.incident_title(incident, lang, scene, True),
            "item": self.word("item", x.get("item"), lang, scene),
            "count": f"{int(x.get('moved') or 0):,}",
            "borrower": self.place(x.get("borrower"), lang, scene=scene),
            "lender": self.place(x.get("lender"), lang, scene=scene),
        }
        if x.get("written_off"):
            return self.line("supply_written_off", lang, **values)
        lots = [
            self.line(
                "supply_lot",
                lang,
                name=self.line(
                    "supply_shelter" if lot.get("kind") == "shelter" else "supply_depot",
                    lang,
                    county=self.place(lot.get("owner"), lang, short=True, scene=scene),
                ),
                count=f"{int(lot.get('quantity') or 0):,}",
                left=f"{int(lot.get('left') or 0):,}",
            )
            for lot in x.get("lots") or []
        ]
        status = self.word("supply_message", x.get("message"), lang, scene)
        name = "supply_own" if x.get("borrower") == x.get("lender") else "supply"
        return self.line(name, lang, status=status, lots=self.line("share_separator", lang).join(lots), **values)

    def _work_order_line(self, w: Json, lang: str, scene: _Scene, incident: Json | None) -> str:
        """A 12345 work order assigned, being handled or done (streams/theater/work_orders.py)."""
        status = str(w.get("status", "assigned"))
        name = f"work_order_{status}" if status in ("assigned", "handling", "done") else "work_order_assigned"
        return self.line(
            name,
            lang,
            title=self.incident_title(incident, lang, scene, True),
            calls=str(w.get("calls", 1)),
            agency=self.work_agency(w, lang, scene),
            hotline=self.place(w.get("hotline"), lang, short=True, scene=scene),
        )

    def _readiness_line(self, r: Json, lang: str, scene: _Scene, _: Json | None) -> str:
        """Coverage under a warning, before → after the move-ups accepted (streams/theater/readiness.py)."""
        before, after = r.get("before") or {}, r.get("after") or {}

        def change(key: str) -> str:
            was, now = float(before.get(key, 0.0)), float(after.get(key, 0.0))
            return (
                f"{now:.0%}"
                if was == now
                else self.line("coverage_change", lang, before=f"{was:.0%}", after=f"{now:.0%}")
            )

        # no county figures for the area (Tianjin's and Hebei's, for now): its population is unknown, not 0 % covered
        return self.line(
            "readiness" if before.get("population") else "readiness_no_population",
            lang,
            area=self.places_list(_area_named(r.get("area_adcodes") or ()), lang, scene),
            hazard=self.word("hazard", r.get("hazard"), lang, scene),
            capability=self.word("capability", r.get("capability"), lang, scene),
            h15=change("hazards_15"),
            h30=change("hazards_30"),
            p15=change("population_15"),
            p30=change("population_30"),
        )

    def move_post(self, m: Json, lang: str, scene: _Scene | None = None) -> str:
        """Where a move-up puts its unit: the hazard site by its name, or the county."""
        county = self.place(m.get("to_adcode"), lang, scene=scene)
        place = str(m.get("to_place", ""))
        if place in ("", self.place(m.get("to_adcode"), "zh", scene=scene)):
            # a post at the county's seat: "from 宣化区 to 宣化区" would read as no move at all
            return self.line("move_post_seat", lang, county=county)
        return f"{place} · {county}"

    def _move_up_line(self, m: Json, lang: str, scene: _Scene, _: Json | None) -> str:
        """A move-up proposed, accepted, rejected or withdrawn (streams/theater/readiness.py)."""
        status = str(m.get("status", "proposed"))
        values = {
            "unit": self.unit(str(m.get("responder_id", "")), lang, str(m.get("responder_name", "")), scene),
            "to": self.move_post(m, lang, scene),
            "from": self.place(m.get("from_adcode"), lang, scene=scene),
            "minutes": f"{float(m.get('travel_min') or 0):.0f}",
            "by": self.actor(str(m.get("decided_by", "")), lang, scene) if m.get("decided_by") else "",
        }
        decided = status in ("accepted", "rejected", "withdrawn")
        return self.line(f"move_up_{status}" if decided else "move_up_proposed", lang, **values)

    def work_agency(self, w: Json, lang: str, scene: _Scene | None = None) -> str:
        """The agency that owns a work order: a province-wide body, or the county's own agency of its kind."""
        if w.get("agency"):
            return self.word("agency", w.get("agency"), lang, scene)
        county = self.place(w.get("agency_adcode"), lang, short=True, scene=scene)
        return self.word("work_agency", w.get("agency_kind"), lang, scene).replace("{county}", county)

    def owner(self, owner_id: str, lang: str, scene: _Scene | None = None) -> str:
        """The agency an agency's task is assigned to, from its id (`hebei-power`, `transport@130702`)."""
        kind, _, adcode = owner_id.partition("@")
        if adcode:
            return self.work_agency({"agency_kind": kind, "agency_adcode": adcode}, lang, scene)
        return self.word("agency", owner_id, lang, scene)

    def money(self, yuan: int, lang: str) -> str:
        """An amount in yuan as people say it: 万元 in Chinese, millions in English."""
        wan = f"{yuan / 10_000:,.1f}".removesuffix(".0")
        return self.line("money", lang, wan=wan, millions=f"{yuan / 1_000_000:,.1f}")

    # -- labels an entity carries for the page -------------------------------------------------------

    def labels(
        self,
        kind: str,
        data: Json,
        lookup: Lookup | None = None,
        at_ms: int = 0,
        missing: list[str] | None = None,
        brief: bool = False,
    ) -> dict[str, dict[str, Any]]:
        """Names for the page: `{"zh": {...}, "en": {...}}` by kind (an incident's title, a task's unit, ...).

        `brief` (what the feed carries on every incident delta): only what the vocabulary (`/api/words`) cannot
        say — the title, places, playbook, hazards, approvals and timers — and nothing empty; a feed is bytes per
        client.
        """
        scene = _Scene(lookup or NoLookup(), at_ms, missing=missing if missing is not None else [])
        out: dict[str, dict[str, Any]] = {}
        for lang in LANGS:
            if kind == "incident":
                scene.playbook = str(data.get("playbook", ""))
                out[lang] = self._incident_labels(data, lang, scene)
                if brief:
                    kept = ("title", "places", "playbook", "hazards", "approvals", "timers")
                    out[lang] = {k: out[lang][k] for k in kept if out[lang][k]}
            elif kind == "task":
                out[lang] = {
                    "capability": self.word("capability", data.get("capability"), lang, scene),
                    "unit": self.owner(str(data["responder_id"]), lang, scene)
                    if data.get("agency_kind") and data.get("responder_id")
                    else self.unit(data.get("responder_id"), lang, str(data.get("responder_name", "")))
                    if data.get("responder_id")
                    else "",
                    "from": self.place(
                        data.get("responder_adcode") or self.unit_home(data.get("responder_id")), lang, short=True
                    ),
                    "status": self.word("task_status", data.get("status"), lang, scene),
                }
            elif kind == "notification":
                out[lang] = {
                    "message": self.notification_message(data, lang, scene),
                    "to": self.place(data.get("to_province"), lang),
                    "by": self.actor(str(data.get("rule", "")), lang, scene),
                }
            elif kind == "mutual_aid":
                out[lang] = {
                    "capability": self.word("capability", data.get("capability"), lang, scene),
                    "borrower": self.place(data.get("borrower"), lang),
                    "lender": self.place(data.get("lender"), lang),
                    "stage": self.word("aid_stage", data.get("stage"), lang, scene),
                }
            elif kind == "warning":
                out[lang] = {
                    "headline": self.warning_headline(data, lang, scene),
                    "msg_type": self.word("msg_type", data.get("msg_type"), lang, scene),
                    "colour": self.word("colour", data.get("colour"), lang, scene),
                    "area": self.places_list(list(data.get("area_adcodes") or []), lang),
                    "instruction": self.text(str((data.get("cap") or {}).get("instruction", "")), lang),
                }
            elif kind == "closure":
                out[lang] = {
                    "kind": self.word("closure", data.get("kind"), lang, scene),
                    "status": self.word("closure_status", data.get("status") or "active", lang, scene),
                    "place": self.closure_place(data, lang),
                }
            elif kind == "casualty_routing":
                out[lang] = {
                    "hospitals": [
                        self.unit(str(h.get("hospital_id", "")), lang, str(h.get("name", "")))
                        for h in data.get("hospitals") or []
                    ]
                }
            elif kind == "supply":
                incident = scene.lookup.incident(str(data.get("incident_id", "")))
                out[lang] = {
                    "item": self.word("item", data.get("item"), lang, scene),
                    "borrower": self.place(data.get("borrower"), lang),
                    "lender": self.place(data.get("lender"), lang),
                    "stage": self.word("supply_stage", data.get("stage"), lang, scene),
                    "line": self._supply_line(data, lang, scene, incident),
                }
            elif kind == "work_order":
                incident = scene.lookup.incident(str(data.get("incident_id", "")))
                title = self.incident_title(incident, lang, scene)
                agency = self.work_agency(data, lang, scene)
                done = data.get("status") == "done"
                out[lang] = {
                    "agency": agency,
                    "status": self.word("work_status", data.get("status"), lang, scene),
                    "hotline": self.place(data.get("hotline"), lang, short=True),
                    "reply": self.line("work_order_reply", lang, title=title, agency=agency) if done else "",
                    "follow_up": self.line("work_order_follow_up", lang, agency=agency) if done else "",
                }
            elif kind == "report":
                out[lang] = {
                    "kind": self.word("report_kind", data.get("kind"), lang, scene),
                    "channel": self.word("report_channel", data.get("channel"), lang, scene),
                    "to": self.word("report_to", data.get("to"), lang, scene),
                    "status": self.word("report_status", data.get("status"), lang, scene),
                    "reason": self.report_reasons(data, lang, scene),
                    "by": self.actor(str(data.get("submitted_by", "")), lang, scene)
                    if data.get("submitted_by")
                    else "",
                }
            elif kind == "readiness":
                out[lang] = {"line": self._readiness_line(data, lang, scene, None)}
            elif kind == "move_up":
                out[lang] = {"line": self._move_up_line(data, lang, scene, None)}
            elif kind == "responder":
                out[lang] = {
                    "unit": self.unit(str(data.get("id", "")), lang, str(data.get("name", ""))),
                    "status": self.word("responder_status", data.get("status"), lang, scene),
                }
        return out

    def _incident_labels(self, inc: Json, lang: str, scene: _Scene) -> dict[str, Any]:
        approvals = {}
        for ap in inc.get("approvals") or []:
            approvals[ap["id"]] = self.text(str(ap.get("summary", "")), lang)
        timers = {}
        for t in inc.get("timers") or []:
            if str(t.get("id", "")).startswith("approval:"):
                continue
            timers[t["id"]] = self.line(
                "timer_label",
                lang,
                kind=self.word("timer_kind", t.get("unless") or "", lang, scene),
                title=self.timer_title(str(t["id"]), lang, scene),
            )
        return {
            "title": self.incident_title(inc, lang, scene),
            "type": self.word("type", inc.get("type"), lang, scene),
            "place": self.place(inc.get("adcode"), lang),
            "places": self.places_list(list(inc.get("adcodes") or []), lang),
            "provinces": self.places_list(list(inc.get("provinces") or []), lang),
            "stage": self.word("stage", inc.get("stage"), lang, scene),
            "level": self.word("level", inc.get("response_level"), lang, scene),
            "colour": self.word("colour", inc.get("warning_colour"), lang, scene),
            "grade": self.word("grade", inc.get("event_grade"), lang, scene),
            "playbook": self.playbook_title(str(inc["playbook"]), lang) if inc.get("playbook") else "",
            # the registered hazard sites it lies near (the hazard register), nearest first
            "hazards": ("；" if lang == "zh" else "; ").join(
                f"{self.word('facility', h.get('cls'), lang, scene)} {self.places.local_name(str(h.get('name')), lang)}"
                for h in inc.get("hazards") or []
            ),
            "approvals": approvals,
            "timers": timers,
        }

    def timeline_entry(
        self, entry: Json, incident: Json, lookup: Lookup | None = None, missing: list[str] | None = None
    ) -> dict[str, str]:
        """One timeline entry (`dashboard_api.queries.timeline`) as a line in each language."""
        scene = _Scene(
            lookup or NoLookup(),
            int(entry.get("at_ms") or 0),
            str(incident.get("playbook", "")),
            missing if missing is not None else [],
        )
        data = entry.get("data") or {}
        out: dict[str, str] = {}
        for lang in LANGS:
            kind = entry.get("kind")
            if kind == "decision":
                who, what = self.decision(data, lang, scene)
                out[lang] = f"{who}：{what}" if lang == "zh" else f"{who}: {what}"
            elif kind == "evidence":
                out[lang] = self.evidence(data, lang)
            elif kind == "task":  # the timeline is the incident's: its title is not repeated
                out[lang] = self._task_line(data, lang, scene, None)
            elif kind == "notification":
                out[lang] = self._notification_line(data, lang, scene, None)
            else:
                out[lang] = self.line("incident_update", lang, title=self.incident_title(incident, lang, scene))
        return out

    def evidence(self, signal: Json, lang: str) -> str:
        """A piece of evidence: what kind, from which source, where (its own text is shown beside it)."""
        kind = self.word("signal", signal.get("kind"), lang)
        place = self.place(signal.get("adcode"), lang, short=True) if signal.get("adcode") else ""
        source = self.word("source", signal.get("source"), lang)
        if lang == "zh":
            return f"{kind}（{source}{'，' + place if place else ''}）"
        return f"{_capital(kind, lang)} ({source}{', ' + place if place else ''})"


_GENERIC = {"zh": "该操作未被执行", "en": "the brain did not carry this out"}


_MUNICIPALITIES = ("11", "12", "31", "50")  # provinces without prefectures between them and their districts


def _area_named(area: Sequence[str]) -> list[str]:
    """A warned area as people name it: its counties when few, else their prefectures when few (a city's
    warning is the city's, not its province's), else their provinces."""
    codes = [str(a) for a in area]
    if len(codes) <= 3:
        return codes
    prefectures = sorted({c[:4] + "00" for c in codes})
    if len(prefectures) <= 3 and not any(c[:2] in _MUNICIPALITIES for c in codes):
        return prefectures
    return sorted({c[:2] + "0000" for c in codes})


def _i(lang: str) -> int:
    return 0 if lang == "zh" else 1


def _capital(text: str, lang: str) -> str:
    return text[:1].upper() + text[1:] if lang == "en" and text else text


def _iso_clock(value: str, lang: str, now_ms: int) -> str:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return value
    return clock(int(at.timestamp() * 1000), lang, now_ms)
