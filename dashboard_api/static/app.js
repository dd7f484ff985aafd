// The command-centre page: key figures, what is waiting for this centre (approvals, acknowledgements,
// deadlines, mutual aid, reports), incidents, tasks and units, the inbox, the live feed, a timeline and the map.
// On open it shows the current picture (the snapshot and the latest feed lines), then follows the feed.
// Every text from the data goes in through textContent, never as HTML: hotline callers write free text.
"use strict";

const FEED_KEEP = 200;
const RESYNC_SHOWN_MS = 5000;
const CALL_WINDOW_MS = 3600e3;
const ACTIVE_TASK = ["dispatched", "acknowledged", "en_route", "on_scene"];

// Snapshot part, the map it fills and the key of its items; and the map each kind of delta updates.
const SNAPSHOT_PARTS = [
  ["incidents", "incidents", "id"], ["tasks", "tasks", "id"], ["responders", "responders", "id"],
  ["notifications", "notifications", "id"], ["warnings", "warnings", "identifier"],
  ["mutual_aid", "mutualAid", "request_id"], ["closures", "closures", "id"], ["reports", "reports", "id"],
  ["work_orders", "workOrders", "id"], ["readiness", "readiness", "warning_id"], ["move_ups", "moveUps", "id"],
  ["supplies", "supplies", "request_id"],
];
const DELTA_MAPS = {
  incident: "incidents", task: "tasks", responder: "responders", notification: "notifications",
  warning: "warnings", mutual_aid: "mutualAid", closure: "closures", report: "reports", work_order: "workOrders",
  readiness: "readiness", move_up: "moveUps",
  supply: "supplies",
};

const state = {
  token: new URLSearchParams(location.search).get("token") || "",
  incidents: new Map(), tasks: new Map(), responders: new Map(), notifications: new Map(),
  warnings: new Map(), mutualAid: new Map(), closures: new Map(), reports: new Map(), workOrders: new Map(),
  readiness: new Map(), moveUps: new Map(),
  supplies: new Map(),
  evidence: new Map(), // signal id → {at_ms, kind, source, incident}: the one place the page keeps evidence
  fetchingEvidence: new Set(), // incidents whose whole evidence is being fetched
  feed: [], // {seq, at_ms, kind, say}, newest first
  seq: 0, epoch: "", atMs: 0, hadSnapshot: false, resyncs: 0,
  me: null, words: null, socket: null, backoffMs: 1000, renderQueued: false, timelineTimer: 0,
  selected: "", replayStatus: null, sort: { key: "updated", desc: true }, filters: { region: "", level: "", stage: "" },
  read: new Set(),
};

const $ = (id) => document.getElementById(id);
const t = (key) => Words.t(key);

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  if (text) node.textContent = text;
  return node;
}

function say(text, isError = false) {
  const box = $("message");
  box.textContent = text;
  box.hidden = !text;
  box.classList.toggle("error", isError);
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${state.token}`, ...(options.body ? { "Content-Type": "application/json" } : {}) };
  const response = await fetch(path, { ...options, headers });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new Error((body && body.detail) || `${response.status} ${response.statusText}`);
  return body;
}

// ---- language ------------------------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = Words.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = Words.lang === "zh" ? "EN" : "中文";
  $("lang").dataset.lang = Words.lang;
  document.title = t("title");
  if (state.me) $("centre").textContent = `${Words.lang === "zh" ? state.me.centre_name : state.me.centre_name_en} · ${state.me.name}`;
  setConnection($("conn").dataset.state);
  showReplay(state.replayStatus);
  if (state.words) {
    fillFilters();
    if (EBMap.map) EBMap.relabel();
  }
  renderFeed();
  render();
  if (state.selected) loadTimeline(state.selected);
  else $("timeline").replaceChildren(el("li", { class: "empty" }, t("pickIncident")));
}

// ---- the feed ------------------------------------------------------------------------------------------

function setConnection(name) {
  const conn = $("conn");
  conn.dataset.state = name;
  conn.dataset.seq = String(state.seq);
  conn.dataset.resyncs = String(state.resyncs);
  $("conn-text").textContent = t(name);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  // The operator language in the page's language only: half the words on the wire (a switch reconnects).
  const params = new URLSearchParams({ token: state.token, batch: "1", lang: Words.lang });
  if (state.hadSnapshot) {
    params.set("since", String(state.seq));
    params.set("epoch", state.epoch);
  }
  const socket = new WebSocket(`${scheme}://${location.host}/ws/feed?${params}`);
  state.socket = socket;
  socket.onmessage = (event) => {
    // With batch=1 one frame may carry several messages, one per line.
    for (const line of String(event.data).split("\n")) {
      if (line) receive(JSON.parse(line));
    }
  };
  socket.onclose = (event) => {
    if (state.socket !== socket) return;
    if (event.code === 4401) {
      setConnection("error");
      return; // a bad token does not get better by retrying
    }
    setConnection("reconnecting");
    setTimeout(connect, state.backoffMs);
    state.backoffMs = Math.min(state.backoffMs * 2, 15000);
  };
  socket.onopen = () => { state.backoffMs = 1000; };
}

function receive(msg) {
  if (msg.type === "snapshot") {
    const again = state.hadSnapshot;
    for (const [name, map, key] of SNAPSHOT_PARTS) {
      state[map].clear();
      for (const item of msg[name] || []) state[map].set(item[key], item);
    }
    state.evidence.clear();
    for (const inc of state.incidents.values()) noteEvidence(inc);
    state.seq = msg.seq;
    state.epoch = msg.epoch;
    state.atMs = Math.max(state.atMs, msg.at_ms || 0);
    state.hadSnapshot = true;
    if (again) {
      state.resyncs += 1;
      setConnection("resynced");
      setTimeout(() => { if ($("conn").dataset.state === "resynced") setConnection("live"); }, RESYNC_SHOWN_MS);
    } else {
      setConnection("live");
      loadRecentFeed(msg.seq);
    }
    scheduleRender();
    if (!state.selected) pickFirst();
    if (state.selected) loadTimeline(state.selected);
  } else if (msg.type === "resumed") {
    setConnection("live");
  } else if (msg.type === "delta") {
    applyDelta(msg);
    state.seq = msg.seq;
    state.atMs = Math.max(state.atMs, msg.at_ms);
    $("conn").dataset.seq = String(state.seq);
    addFeed({ seq: msg.seq, at_ms: msg.at_ms, kind: msg.kind, key: msg.key, say: msg.say });
    scheduleRender();
  } else if (msg.type === "catch_up") {
    // what belongs to an incident that came into view with the delta just before: no feed line of its own
    applyDelta(msg);
    scheduleRender();
  } else if (msg.type === "heartbeat") {
    state.seq = Math.max(state.seq, msg.seq);
    $("conn").dataset.seq = String(state.seq);
  } else if (msg.type === "error") {
    say(msg.detail, true);
  }
}

// On opening, the timeline shows the most pressing open incident: highest level, then latest.
function pickFirst() {
  const open = [...state.incidents.values()].filter((i) => i.status === "open");
  open.sort((a, b) => (a.response_level ? LEVELS.indexOf(a.response_level) : 9) - (b.response_level ? LEVELS.indexOf(b.response_level) : 9) || b.updated_at_ms - a.updated_at_ms);
  if (open.length) {
    state.selected = open[0].id;
    EBMap.selected = open[0].id;
  }
}

// Beds in use by speciality (GET /api/hospitals), for the hospitals' tooltips on the map.
async function loadHospitalUse() {
  try {
    const { items } = await api("/api/hospitals?used_only=true");
    EBMap.hospitalUse = new Map(items.map((h) => [h.id, h.units]));
  } catch (err) {
    say(err.message, true);
  }
}

function applyDelta(msg) {
  const map = state[DELTA_MAPS[msg.kind]];
  if (map) map.set(msg.key, msg.data);
  if (msg.kind === "incident") noteEvidence(msg.data);
  if (msg.kind === "casualty_routing") {  // beds were taken: the hospitals' tooltips say what is free
    clearTimeout(state.hospitalTimer);
    state.hospitalTimer = setTimeout(loadHospitalUse, 1000);
  }
  const touches = msg.kind === "incident" ? msg.key : msg.data && msg.data.incident_id;
  if (touches && touches === state.selected) {
    clearTimeout(state.timelineTimer);
    state.timelineTimer = setTimeout(() => loadTimeline(state.selected), 300);
  }
}

// Evidence is handled here only. A snapshot's incident carries all of it (`evidence`); a delta carries what changed
// since the incident's last delta (`evidence_added`, `evidence_removed`; all of it when `evidence_complete`). A page
// that starts seeing an incident in the middle of its life fetches the rest once (its count says so).
function noteEvidence(inc) {
  const mine = (id) => { const e = state.evidence.get(id); return e && e.incident === inc.id; };
  if (inc.evidence_complete) for (const id of [...state.evidence.keys()]) if (mine(id)) state.evidence.delete(id);
  for (const id of inc.evidence_removed || []) if (mine(id)) state.evidence.delete(id);
  for (const e of [...(inc.evidence || []), ...(inc.evidence_added || [])]) {
    state.evidence.set(e.signal_id, { at_ms: e.at_ms, kind: e.kind, source: e.source, incident: inc.id });
  }
  if (inc.evidence_kept === undefined || inc.evidence) return;
  let known = 0;
  for (const e of state.evidence.values()) if (e.incident === inc.id) known += 1;
  if (known < inc.evidence_kept) fetchEvidence(inc.id);
}

async function fetchEvidence(incidentId) {
  if (state.fetchingEvidence.has(incidentId)) return;
  state.fetchingEvidence.add(incidentId);
  try {
    const { items } = await api(`/api/incidents/${encodeURIComponent(incidentId)}/evidence?limit=1000`);
    noteEvidence({ id: incidentId, evidence: items, evidence_complete: true });
    scheduleRender();
  } catch (err) {
    say(err.message, true);
  } finally {
    state.fetchingEvidence.delete(incidentId);
  }
}

async function loadRecentFeed(untilSeq) {
  try {
    const { items } = await api("/api/feed?limit=100");
    const known = new Set(state.feed.map((f) => f.seq));
    const older = items.filter((f) => f.seq <= untilSeq && !known.has(f.seq));
    state.feed = [...state.feed, ...older].sort((a, b) => b.seq - a.seq).slice(0, FEED_KEEP);
    renderFeed();
  } catch (err) {
    say(err.message, true);
  }
}

function addFeed(line) {
  state.feed.unshift(line);
  if (state.feed.length > FEED_KEEP) state.feed.length = FEED_KEEP;
  renderFeed();
}

function renderFeed() {
  const rows = state.feed.map((f) => {
    const li = el("li", { "data-seq": f.seq, "data-kind": f.kind, "data-key": f.key || "" });
    li.append(el("span", { class: "time" }, Words.clock(f.at_ms, state.atMs)), el("span", { class: `tag kind-${f.kind}` }, t(`kind_${f.kind}`)));
    const text = el("span", { class: "said" });
    for (const line of Words.lines(f.say)) text.append(el("div", {}, line));
    li.append(text);
    return li;
  });
  if (!rows.length) rows.push(el("li", { class: "empty" }, t("noFeed")));
  $("feed").replaceChildren(...rows);
}

// ---- rendering -----------------------------------------------------------------------------------------

function scheduleRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => { state.renderQueued = false; render(); });
}

function render() {
  $("event-time").textContent = state.atMs ? Words.clock(state.atMs, 0) : "—";
  if (!state.words) return;
  renderKpis();
  renderActions();
  renderIncidents();
  renderTasks();
  renderInbox();
  renderWarnings();
  EBMap.draw(state.incidents, [...state.tasks.values()], [...state.closures.values()], state.atMs);
}

function kpi(name, label, value, extra = "") {
  const tile = el("div", { class: `kpi ${extra}`, "data-kpi": name, "data-value": value });
  tile.append(el("span", { class: "value" }, String(value)), el("span", { class: "label" }, label));
  return tile;
}

function renderKpis() {
  const open = [...state.incidents.values()].filter((i) => i.status === "open");
  const tiles = [];
  const byLevel = el("div", { class: "kpi levels", "data-kpi": "open", "data-value": open.length });
  byLevel.append(el("span", { class: "value" }, String(open.length)), el("span", { class: "label" }, t("kpiOpen")));
  const badges = el("span", { class: "by-level" });
  for (const level of [...LEVELS, "none"]) {
    const n = open.filter((i) => (i.response_level || "none") === level).length;
    const badge = el("span", { class: "level-badge", "data-kpi": `open-${level}`, "data-value": n }, `${level === "none" ? t("noLevel") : level} ${n}`);
    badge.style.background = Words.levelColour(level);
    badges.append(badge);
  }
  byLevel.append(badges);
  tiles.push(byLevel);
  const active = [...state.tasks.values()].filter((x) => ACTIVE_TASK.includes(x.status));
  tiles.push(kpi("units", t("kpiUnits"), active.length));
  tiles.push(kpi("cross-border", t("kpiCross"), active.filter((x) => x.cross_border).length));
  let calls = 0;
  for (const e of state.evidence.values()) if (e.source === "hotline" && e.at_ms > state.atMs - CALL_WINDOW_MS) calls += 1;
  tiles.push(kpi("calls-hour", t("kpiCalls"), calls));
  tiles.push(kpi("unread", t("kpiUnread"), inboxItems().filter((n) => !state.read.has(n.id)).length, "unread"));
  $("kpis").replaceChildren(...tiles);
}

function levelBadge(inc) {
  const badge = el("span", { class: "badge level", title: Words.fact(inc, "level") }, inc.response_level || "—");
  badge.style.background = Words.levelColour(inc.response_level);
  return badge;
}

function colourBadge(inc) {
  const badge = el("span", { class: "badge colour", title: Words.fact(inc, "colour") }, Words.fact(inc, "colour"));
  badge.style.borderColor = WARNING_COLOURS[inc.warning_colour] || "#b0bec5";
  if (inc.warning_colour) badge.style.background = WARNING_COLOURS[inc.warning_colour];
  if (inc.warning_colour) badge.classList.add("on");
  return badge;
}

function gradeBadge(inc) {
  return inc.event_grade ? el("span", { class: "badge grade" }, Words.fact(inc, "grade")) : null;
}

// Who leads the response (指挥权); its moves are decisions on the incident's timeline.
function leadBadge(inc) {
  return el("span", { class: "badge lead", "data-lead": inc.lead || "county" }, Words.fact(inc, "lead"));
}

// Registered hazard sites near the incident (the hazard register), nearest first.
function hazardBadge(inc) {
  const text = Words.say(inc, "hazards");
  if (!text || !inc.hazards || !inc.hazards.length) return null;
  const sep = Words.lang === "zh" ? "：" : ": ";
  return el("span", { class: "badge hazard", "data-hazard": inc.hazards[0].hazard }, `${t("hazardNear")}${sep}${text}`);
}

function titleOf(incidentId) {
  const inc = state.incidents.get(incidentId);
  return inc ? Words.say(inc, "title") : "";
}

// What waits for this centre, soonest first within each kind.
function renderActions() {
  const now = state.atMs;
  const approvals = [], acks = [], deadlines = [];
  const open = [...state.incidents.values()].filter((i) => i.status === "open");
  for (const inc of open) {
    for (const ap of inc.approvals || []) if (ap.state === "pending") approvals.push([ap.deadline_ms, inc, ap]);
    const ackTimer = (inc.timers || []).filter((x) => x.unless === "acknowledged").sort((a, b) => a.due_ms - b.due_ms)[0];
    if (!inc.acknowledged) acks.push([ackTimer ? ackTimer.due_ms : Infinity, inc, ackTimer]);
    for (const timer of inc.timers || []) {
      if (timer.id.startsWith("approval:") || timer.unless === "acknowledged") continue;
      deadlines.push([timer.due_ms, inc, timer]);
    }
  }
  const byTime = (a, b) => a[0] - b[0];
  $("approvals").replaceChildren(...orEmpty(approvals.sort(byTime).map(([due, inc, ap]) => {
    const li = el("li", { "data-incident-id": inc.id, "data-approval-id": ap.id, class: due <= now ? "late" : "" });
    const summary = (Words.say(inc, "approvals") || {})[ap.id] || "";
    li.append(el("div", { class: "what" }, summary), el("div", { class: "muted" }, Words.say(inc, "title")));
    const verdict = state.words && ap.default === "approve" ? t("approve") : t("reject");
    li.append(el("div", { class: "countdown", "data-due-ms": due }, `${Words.countdown(due, now)} · ${t("due")} ${Words.clock(due, now)} · ${t("defaultIs")} ${verdict}`));
    li.append(commandButton("approve", inc.id, ap.id, t("approve")), " ", commandButton("reject", inc.id, ap.id, t("reject")));
    return li;
  }), "noApprovals"));
  $("acks").replaceChildren(...orEmpty(acks.sort(byTime).map(([due, inc, timer]) => {
    const li = el("li", { "data-incident-id": inc.id, class: due <= now ? "late" : "" });
    li.append(el("div", { class: "what" }, Words.say(inc, "title")));
    if (timer) li.append(el("div", { class: "countdown", "data-due-ms": due }, `${Words.countdown(due, now)} · ${(Words.say(inc, "timers") || {})[timer.id] || ""}`));
    li.append(commandButton("ack", inc.id, "", t("acknowledge")));
    return li;
  }), "noAcks"));
  $("deadlines").replaceChildren(...orEmpty(deadlines.sort(byTime).slice(0, 30).map(([due, inc, timer]) => {
    const li = el("li", { "data-incident-id": inc.id, "data-timer-id": timer.id });
    li.append(el("div", { class: "what" }, (Words.say(inc, "timers") || {})[timer.id] || ""));
    li.append(el("div", { class: "countdown muted", "data-due-ms": due }, `${Words.countdown(due, now)} · ${Words.clock(due, now)} · ${Words.say(inc, "title")}`));
    li.addEventListener("click", () => select(inc.id));
    return li;
  }), "noDeadlines"));
  const mine = renderMutualAid(now) + renderSupplies(now);
  const reports = renderReports(now);
  renderWorkOrders();
  const moves = renderReadiness();
  $("action-count").textContent = String(approvals.length + acks.length + mine + reports + moves);
}

// Reports upward (信息报告) due or overdue, soonest deadline first, each with its countdown and a submit button.
function renderReports(now) {
  const open = [...state.reports.values()].filter((r) => r.status === "due" || r.status === "late").sort((a, b) => a.due_ms - b.due_ms || a.id.localeCompare(b.id));
  const rows = open.map((r) => {
    const li = el("li", { "data-report-id": r.id, "data-incident-id": r.incident_id, "data-status": r.status, class: r.status === "late" || r.due_ms <= now ? "late" : "" });
    li.append(el("div", { class: "what" }, `${Words.say(r, "kind")}（${Words.say(r, "channel")}）→ ${Words.say(r, "to")} · ${Words.say(r, "status")}`));
    li.append(el("div", { class: "muted" }, `${titleOf(r.incident_id)} · ${Words.say(r, "reason")}`));
    li.append(el("div", { class: "countdown", "data-due-ms": r.due_ms }, `${Words.countdown(r.due_ms, now)} · ${t("due")} ${Words.clock(r.due_ms, now)}`));
    li.append(reportButton(r));
    return li;
  });
  $("reports-due").replaceChildren(...orEmpty(rows, "noReports"));
  return open.length;
}

// 12345 work orders of this centre's hotline: who handles them, their status, and when done the reply and the
// follow-up owed to the callers.
function renderWorkOrders() {
  const rank = { assigned: 0, handling: 1, done: 2 };
  const items = [...state.workOrders.values()].sort((a, b) => rank[a.status] - rank[b.status] || a.assigned_ms - b.assigned_ms || a.id.localeCompare(b.id));
  const rows = items.slice(0, 30).map((w) => {
    const li = el("li", { "data-work-order-id": w.id, "data-status": w.status, "data-incident-id": w.incident_id });
    li.append(el("div", { class: "what" }, `${Words.say(w, "agency")} · ${Words.say(w, "status")} · ${w.calls} ${t("calls")}`));
    li.append(el("div", { class: "muted" }, `${titleOf(w.incident_id)} · ${Words.say(w, "hotline")} 12345`));
    if (w.status === "done") {
      li.append(el("div", { class: "reply" }, Words.say(w, "reply")), el("div", { class: "muted follow-up" }, Words.say(w, "follow_up")));
    }
    return li;
  });
  $("work-orders").replaceChildren(...orEmpty(rows, "noWorkOrders"));
}

// Readiness under warnings: coverage before → after the accepted move-ups, and the proposals still open with
// accept and reject buttons. Returns how many proposals wait for a decision.
function renderReadiness() {
  const rows = [...state.readiness.values()].sort((a, b) => a.warning_id.localeCompare(b.warning_id)).map((r) => {
    const li = el("li", { "data-warning-id": r.warning_id, class: "readiness" });
    li.append(el("div", { class: "what" }, Words.say(r, "line")));
    return li;
  });
  const moves = [...state.moveUps.values()].sort((a, b) => a.id.localeCompare(b.id));
  const open = moves.filter((m) => m.status === "proposed");
  for (const m of moves) {
    const li = el("li", { "data-move-id": m.id, "data-status": m.status, class: "move-up" });
    li.append(el("div", { class: m.status === "proposed" ? "what" : "muted" }, Words.say(m, "line")));
    if (m.status === "proposed") li.append(moveButton(m, "accept"), moveButton(m, "reject"));
    rows.push(li);
  }
  $("readiness").replaceChildren(...orEmpty(rows, "noReadiness"));
  return open.length;
}

function moveButton(move, verb) {
  const button = el("button", { type: "button", class: `${verb}-move`, "data-move-id": move.id }, t(verb === "accept" ? "acceptMove" : "rejectMove"));
  button.addEventListener("click", async (event) => {
    event.stopPropagation();
    button.disabled = true;
    try {
      await api(`/api/moves/${encodeURIComponent(move.id)}/${verb}`, { method: "POST" });
      say(t("sent"));
    } catch (err) {
      say(`${t("failed")}: ${err.message}`, true);
      button.disabled = false;
    }
  });
  return button;
}

function reportButton(report) {
  const button = el("button", { type: "button", class: "submit-report", "data-report-id": report.id }, t("submitReport"));
  button.addEventListener("click", async (event) => {
    event.stopPropagation();
    button.disabled = true;
    try {
      await api(`/api/reports/${encodeURIComponent(report.id)}/submit`, { method: "POST" });
      say(t("sent"));
    } catch (err) {
      say(`${t("failed")}: ${err.message}`, true);
      button.disabled = false;
    }
  });
  return button;
}

function orEmpty(rows, emptyKey) {
  return rows.length ? rows : [el("li", { class: "empty" }, t(emptyKey))];
}

// Exchanges the centre takes part in; returns how many wait for this centre's answer.
function renderMutualAid(now) {
  const mine = state.me && state.me.province;
  const joint = state.me && state.me.centre_kind === "joint";
  let waiting = 0;
  const items = [...state.mutualAid.values()].sort((a, b) => (a.due_ms || Infinity) - (b.due_ms || Infinity) || a.request_id.localeCompare(b.request_id));
  const rows = items.map((x) => {
    const li = el("li", { "data-request-id": x.request_id, "data-stage": x.stage, "data-borrower": x.borrower, "data-lender": x.lender });
    li.append(el("div", { class: "what" }, `${Words.say(x, "borrower")} ← ${Words.say(x, "lender")} · ${x.count} × ${Words.say(x, "capability")} · ${Words.say(x, "stage")}`));
    li.append(el("div", { class: "muted" }, titleOf(x.incident_id)));
    const turn = x.stage === "requested" ? x.lender : x.stage === "offered" ? x.borrower : "";
    if (x.due_ms && turn) {
      const who = turn === mine ? t("yourTurn") : t("waiting");
      li.append(el("div", { class: "countdown", "data-due-ms": x.due_ms }, `${Words.countdown(x.due_ms, now)} · ${who}`));
    }
    waiting += answerButtons(li, x, mine, joint, aidButton);
    return li;
  });
  $("mutual-aid").replaceChildren(...orEmpty(rows, "noAid"));
  return waiting;
}

// Supply and shelter-place exchanges: stock levels after each move, what is in transit, delivered or returned,
// with the buttons of the centre whose turn it is (offer, commit, decline) and a release to send it back.
function renderSupplies(now) {
  const mine = state.me && state.me.province;
  const joint = state.me && state.me.centre_kind === "joint";
  let waiting = 0;
  const order = { requested: 0, offered: 1, in_transit: 2, delivered: 3, returning: 4 };
  const items = [...state.supplies.values()].sort((a, b) => (order[a.stage] ?? 9) - (order[b.stage] ?? 9) || a.request_id.localeCompare(b.request_id));
  const rows = items.map((x) => {
    const li = el("li", { "data-request-id": x.request_id, "data-stage": x.stage, "data-item": x.item });
    li.append(el("div", { class: "what" }, Words.say(x, "line")));
    li.append(el("div", { class: "muted" }, `${titleOf(x.incident_id)} · ${Words.say(x, "stage")}`));
    if (x.due_ms && (x.stage === "requested" || x.stage === "offered" || x.stage === "in_transit" || x.stage === "returning")) {
      li.append(el("div", { class: "countdown", "data-due-ms": x.due_ms }, Words.countdown(x.due_ms, now)));
    }
    waiting += answerButtons(li, x, mine, joint, supplyButton);
    if ((x.stage === "in_transit" || x.stage === "delivered") && (mine === x.borrower || joint)) li.append(supplyButton("release", x));
    return li;
  });
  $("supplies").replaceChildren(...orEmpty(rows, "noSupplies"));
  return waiting;
}

// The buttons of the side whose turn it is (the lender offers or declines a request, the borrower commits or
// declines an offer); returns 1 when the turn is this centre's own.
function answerButtons(li, x, mine, joint, button) {
  const turn = { requested: [x.lender, "offer"], offered: [x.borrower, "commit"] }[x.stage];
  if (!turn || !(mine === turn[0] || joint)) return 0;
  li.append(button(turn[1], x), " ", button("decline", x));
  return mine === turn[0] ? 1 : 0;
}

function supplyButton(action, exchange) {
  const path = `/api/supplies/${encodeURIComponent(exchange.request_id)}/${action}`;
  return answerButton(`supply-${action}`, t(action === "release" ? "sendBack" : action), exchange, path, async () => ({ depot_ids: [] }));
}

function aidButton(action, exchange) {
  const path = `/api/mutual-aid/${encodeURIComponent(exchange.request_id)}/${action}`;
  return answerButton(`aid-${action}`, t(action), exchange, path, async () => ({ responder_ids: action === "offer" ? await unitsToOffer(exchange) : [] }));
}

// A button that posts an answer to an exchange (mutual aid, supplies); the body is made when it is pressed.
function answerButton(cls, label, exchange, path, bodyOf) {
  const button = el("button", { type: "button", class: cls, "data-request-id": exchange.request_id }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api(path, { method: "POST", body: JSON.stringify(await bodyOf()) });
      say(t("sent"));
    } catch (err) {
      say(`${t("failed")}: ${err.message}`, true);
      button.disabled = false;
    }
  });
  return button;
}

async function unitsToOffer(exchange) {
  // The lender's available units with the capability, nearest to the incident first.
  const params = new URLSearchParams({ province: exchange.lender, status: "available" });
  const { items } = await api(`/api/responders?${params}`);
  const inc = state.incidents.get(exchange.incident_id);
  const far = (r) => (inc ? (r.base_lon - inc.lon) ** 2 + (r.base_lat - inc.lat) ** 2 : 0);
  const able = items.filter((r) => (r.capabilities || []).includes(exchange.capability)).sort((a, b) => far(a) - far(b));
  if (!able.length) throw new Error(t("offerNone"));
  return able.slice(0, exchange.count).map((r) => r.id);
}

function commandButton(kind, incidentId, approvalId, label) {
  const button = el("button", { type: "button", class: kind, "data-incident-id": incidentId, "data-approval-id": approvalId || undefined }, label);
  button.addEventListener("click", async (event) => {
    event.stopPropagation();
    button.disabled = true;
    const path = kind === "ack" ? "acknowledge" : kind;
    const body = approvalId ? JSON.stringify({ approval_id: approvalId }) : undefined;
    try {
      await api(`/api/incidents/${encodeURIComponent(incidentId)}/${path}`, { method: "POST", body });
      say(t("sent"));
    } catch (err) {
      say(`${t("failed")}: ${err.message}`, true);
      button.disabled = false;
    }
  });
  return button;
}

// ---- incidents -----------------------------------------------------------------------------------------

function fillFilters() {
  const keep = { ...state.filters };
  const options = (select, allKey, entries) => {
    select.replaceChildren(el("option", { value: "" }, t(allKey)), ...entries.map(([value, label]) => el("option", { value }, label)));
  };
  const places = state.words.places;
  const mine = state.me.province;
  const counties = Object.entries(places).filter(([code]) => !code.endsWith("0000") && (!mine || state.me.centre_kind !== "province" || code.startsWith(mine.slice(0, 2))));
  const provinces = Object.entries(places).filter(([code]) => code.endsWith("0000"));
  const name = (p) => (Words.lang === "zh" ? p.zh : p.en);
  options($("filter-region"), "allRegions", [...provinces, ...counties].map(([code, p]) => [code, name(p)]));
  options($("filter-level"), "allLevels", LEVELS.map((l) => [l, state.words.level[l][Words.lang]]));
  options($("filter-stage"), "allStages", Object.keys(STAGE_ORDER).map((s) => [s, state.words.stage[s][Words.lang]]));
  $("filter-region").value = keep.region;
  $("filter-level").value = keep.level;
  $("filter-stage").value = keep.stage;
}

function matches(inc) {
  const f = state.filters;
  if (f.level && inc.response_level !== f.level) return false;
  if (f.stage && inc.stage !== f.stage) return false;
  if (f.region) {
    const codes = [inc.adcode, ...(inc.adcodes || []), ...(inc.provinces || [])];
    if (!codes.includes(f.region)) return false;
  }
  return true;
}

function sortKey(inc) {
  const key = state.sort.key;
  if (key === "level") return inc.response_level ? 4 - LEVELS.indexOf(inc.response_level) : -1;
  if (key === "stage") return STAGE_ORDER[inc.stage];
  if (key === "title") return Words.say(inc, "title");
  return inc.updated_at_ms;
}

function renderIncidents() {
  const all = [...state.incidents.values()];
  const items = all.filter(matches).sort((a, b) => {
    const ka = sortKey(a), kb = sortKey(b);
    const order = ka < kb ? -1 : ka > kb ? 1 : a.id.localeCompare(b.id);
    return state.sort.desc ? -order : order;
  });
  $("incident-count").textContent = String(all.filter((i) => i.status === "open").length);
  for (const th of document.querySelectorAll("#incident-table th[data-sort]")) {
    th.dataset.order = th.dataset.sort === state.sort.key ? (state.sort.desc ? "desc" : "asc") : "";
  }
  const rows = items.map((inc) => {
    const tr = el("tr", {
      "data-incident-id": inc.id, "data-stage": inc.stage, "data-level": inc.response_level || "",
      "data-status": inc.status, "data-acknowledged": String(inc.acknowledged), "aria-selected": String(inc.id === state.selected),
    });
    const badges = el("td", { class: "badges" });
    badges.append(levelBadge(inc));
    if (inc.warning_colour) badges.append(colourBadge(inc));
    const grade = gradeBadge(inc);
    if (grade) badges.append(grade);
    const title = el("td", {}, Words.say(inc, "title"));
    if (inc.status === "open" && !inc.acknowledged) title.append(" ", el("span", { class: "flag" }, t("acks")));
    // the brain could not handle an input or timer of this incident: a person must look (an acknowledgement clears it)
    if (inc.attention) title.append(" ", el("span", { class: "flag", "data-attention": "true", title: t("attentionWhy") }, t("attention")));
    // events and sites: an event record is marked as such; a site names the event it is part of
    if (inc.scale === "event") title.append(" ", el("span", { class: "muted" }, `[${t("eventRecord")}]`));
    const master = inc.event_id && state.incidents.get(inc.event_id);
    if (master) title.append(el("div", { class: "muted" }, `${t("partOf")} ${Words.say(master, "title")}`));
    const stage = inc.status === "open" ? Words.fact(inc, "stage") : `${Words.fact(inc, "stage")}`;
    tr.append(badges, title, el("td", { class: "nowrap" }, stage), el("td", { class: "time" }, Words.clock(inc.updated_at_ms, state.atMs)));
    tr.addEventListener("click", () => select(inc.id, true));
    return tr;
  });
  if (!rows.length) rows.push(el("tr", { class: "empty" }, ""));
  if (!items.length) rows[0].append(el("td", { colspan: 4 }, t("noIncidents")));
  $("incident-table").tBodies[0].replaceChildren(...rows);
}

// ---- tasks, inbox, warnings ----------------------------------------------------------------------------

function renderTasks() {
  const now = state.atMs;
  const order = { dispatched: 0, acknowledged: 1, en_route: 2, on_scene: 3, unfilled: 4, completed: 5, declined: 6 };
  const items = [...state.tasks.values()].sort((a, b) => (order[a.status] - order[b.status]) || (b.created_at_ms - a.created_at_ms) || a.id.localeCompare(b.id));
  $("task-count").textContent = String(items.filter((x) => ACTIVE_TASK.includes(x.status)).length);
  const rows = items.slice(0, 300).map((task) => {
    const tr = el("tr", { "data-task-id": task.id, "data-incident-id": task.incident_id, "data-status": task.status, "data-cross-border": String(task.cross_border) });
    const unit = el("td", {}, Words.say(task, "unit") || "—");
    if (task.say && Words.say(task, "from")) unit.append(el("span", { class: "muted" }, ` · ${Words.say(task, "from")}`));
    if (task.cross_border) unit.append(" ", el("span", { class: "flag cross" }, t("legendCross")));
    let eta = "";
    if (task.travel_s != null && ["dispatched", "acknowledged", "en_route"].includes(task.status)) eta = Words.arrival(task.created_at_ms + task.travel_s * 1000, now);
    tr.append(unit, el("td", {}, Words.say(task, "capability")), el("td", { class: "muted" }, titleOf(task.incident_id)),
      el("td", { class: `status ${task.status}` }, Words.say(task, "status")), el("td", { class: "time" }, eta));
    tr.addEventListener("click", () => select(task.incident_id, true));
    return tr;
  });
  if (!rows.length) {
    const tr = el("tr", { class: "empty" });
    tr.append(el("td", { colspan: 5 }, t("noTasks")));
    rows.push(tr);
  }
  $("task-table").tBodies[0].replaceChildren(...rows);
}

function inboxItems() {
  const mine = state.me && state.me.province;
  const county = state.me && state.me.county;
  return [...state.notifications.values()]
    .filter((n) => !mine || n.to_province === mine || (county && (n.to_adcodes || []).includes(county)))
    .sort((a, b) => b.at_ms - a.at_ms || b.id.localeCompare(a.id));
}

function readKey() {
  return `ebrain.read.${state.me ? state.me.centre : ""}`;
}

function markRead(ids) {
  for (const id of ids) state.read.add(id);
  localStorage.setItem(readKey(), JSON.stringify([...state.read].slice(-5000)));
  scheduleRender();
}

function renderInbox() {
  const items = inboxItems();
  const unread = items.filter((n) => !state.read.has(n.id));
  $("inbox-count").textContent = String(unread.length);
  $("inbox-count").classList.toggle("some", unread.length > 0);
  const rows = items.slice(0, 200).map((n) => {
    const fresh = !state.read.has(n.id);
    const li = el("li", { "data-notification-id": n.id, "data-unread": String(fresh), class: fresh ? "unread" : "" });
    li.append(el("span", { class: "time" }, Words.clock(n.at_ms, state.atMs)));
    const body = el("span", { class: "said" });
    body.append(el("div", { class: "what" }, Words.say(n, "message")));
    body.append(el("div", { class: "muted" }, [titleOf(n.incident_id), Words.say(n, "by")].filter(Boolean).join(" · ")));
    li.append(body);
    li.addEventListener("click", () => { markRead([n.id]); if (n.incident_id) select(n.incident_id, true); });
    return li;
  });
  $("inbox").replaceChildren(...orEmpty(rows, "noInbox"));
}

function renderWarnings() {
  const items = [...state.warnings.values()].sort((a, b) => b.sent_ms - a.sent_ms);
  $("warning-count").textContent = String(items.filter((w) => w.msg_type !== "Cancel").length);
  const rows = items.map((w) => {
    const li = el("li", { "data-identifier": w.identifier, "data-colour": w.colour || "", "data-msg-type": w.msg_type });
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = WARNING_COLOURS[w.colour] || "#78909c";
    const body = el("span", { class: "said" });
    body.append(el("div", { class: "what" }, `${Words.say(w, "msg_type")} · ${Words.say(w, "headline")}`));
    body.append(el("div", { class: "muted" }, `${Words.say(w, "area")} · ${Words.clock(w.sent_ms, state.atMs)}`));
    if (Words.say(w, "instruction")) body.append(el("div", {}, Words.say(w, "instruction")));
    const cap = el("button", { type: "button", class: "cap link", "data-identifier": w.identifier }, "CAP 1.2");
    cap.addEventListener("click", () => openCap(w.identifier));
    li.append(swatch, body, cap);
    return li;
  });
  $("warnings").replaceChildren(...orEmpty(rows, "noWarnings"));
}

async function openCap(identifier) {
  // The XML needs the token, so it is fetched and shown from memory rather than linked.
  try {
    const response = await fetch(`/api/warnings/${encodeURIComponent(identifier)}/cap.xml`, { headers: { Authorization: `Bearer ${state.token}` } });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const url = URL.createObjectURL(new Blob([await response.text()], { type: "application/xml" }));
    window.open(url, "_blank");
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    say(err.message, true);
  }
}

// ---- timeline ------------------------------------------------------------------------------------------

function select(incidentId, zoom = false) {
  state.selected = incidentId;
  EBMap.selected = incidentId;
  render();
  loadTimeline(incidentId);
  if (zoom) EBMap.focus(state.incidents.get(incidentId));
}

async function loadTimeline(incidentId) {
  const list = $("timeline");
  list.dataset.incidentId = incidentId;
  const inc = state.incidents.get(incidentId);
  $("timeline-title").textContent = inc ? Words.say(inc, "title") : "";
  const actions = $("timeline-actions");
  actions.replaceChildren();
  if (inc) {
    const facts = el("div", { class: "badges" });
    facts.append(levelBadge(inc), colourBadge(inc));
    const grade = gradeBadge(inc);
    if (grade) facts.append(grade);
    facts.append(leadBadge(inc));
    const hazard = hazardBadge(inc);
    if (hazard) facts.append(hazard);
    facts.append(el("span", { class: "muted" }, `${Words.fact(inc, "stage")} · ${Words.say(inc, "places")} · ${Words.say(inc, "playbook")}`));
    actions.append(facts);
    if (inc.attention) actions.append(el("span", { class: "flag", "data-attention": "true" }, `${t("attention")}：${t("attentionWhy")}`));
    if (inc.status === "open" && (!inc.acknowledged || inc.attention)) actions.append(commandButton("ack", incidentId, "", t("acknowledge")));
    // The evaluation (调查评估) is a page of its own, opened by a link that carries the page's token as its address does.
    const href = `/api/incidents/${encodeURIComponent(incidentId)}/evaluation?token=${encodeURIComponent(state.token)}`;
    actions.append(el("a", { class: "evaluation", href, target: "_blank", rel: "noopener", "data-evaluation": incidentId }, t("evaluation")));
  }
  try {
    const data = await api(`/api/incidents/${encodeURIComponent(incidentId)}/timeline`);
    if (list.dataset.incidentId !== incidentId) return; // another incident was picked meanwhile
    list.replaceChildren(...data.entries.map((entry) => {
      const li = el("li", { "data-kind": entry.kind, "data-entry-id": entry.id, "data-at-ms": entry.at_ms });
      li.append(el("span", { class: "time" }, Words.clock(entry.at_ms, state.atMs)));
      const body = el("span", { class: "said" });
      body.append(el("div", {}, (entry.say && entry.say[Words.lang]) || ""));
      if (entry.kind === "evidence" && entry.data.text) body.append(el("div", { class: "quote" }, entry.data.text));
      const personal = entry.kind === "evidence" && entry.data.personal;
      if (personal && (personal.name || personal.phone)) {
        body.append(el("div", { class: "muted personal" }, `${personal.name || ""} ${personal.phone || ""}`));
      }
      li.append(body);
      return li;
    }).reverse());
  } catch (err) {
    list.replaceChildren(el("li", { class: "empty" }, err.message));
  }
}

// ---- drill replay --------------------------------------------------------------------------------------

function showReplay(status) {
  state.replayStatus = status;
  if (!status) return;
  const speed = status.speed ? ` ${status.speed}×` : ` ${t("fastest")}`;
  $("replay-status").textContent = status.done ? t("replayEnded") : `${status.paused ? t("paused") : t("running")}${speed}`;
  const select = $("replay-speed");
  const value = status.speed ? String(status.speed) : "max";
  if (![...select.options].some((o) => o.value === value)) select.append(el("option", { value }, `${value}×`));
  select.value = value;
}

async function replayCall(path, body) {
  try {
    showReplay(await api(`/api/replay${path}`, { method: path ? "POST" : "GET", body: body && JSON.stringify(body) }));
  } catch (err) {
    say(err.message, true);
  }
}

function setupReplay() {
  if (!state.me || !state.me.can_control_replay) return;
  $("replay").hidden = false;
  $("replay-pause").addEventListener("click", () => replayCall("/pause"));
  $("replay-resume").addEventListener("click", () => replayCall("/resume"));
  $("replay-speed").addEventListener("change", (e) => {
    const value = e.target.value;
    replayCall("/speed", { speed: value === "max" ? null : Number(value) });
  });
  replayCall("");
  setInterval(() => replayCall(""), 5000);
}

// ---- start ---------------------------------------------------------------------------------------------

function setupControls() {
  $("lang").addEventListener("click", () => {
    Words.lang = Words.lang === "zh" ? "en" : "zh";
    localStorage.setItem("ebrain.lang", Words.lang);
    applyLanguage();
    if (state.socket) {
      // the feed speaks one language: a fresh snapshot and the latest lines in the other one
      const old = state.socket;
      state.socket = null;
      old.close();
      state.hadSnapshot = false;
      state.feed = [];
      setConnection("connecting");
      connect();
    }
  });
  for (const [id, key] of [["filter-region", "region"], ["filter-level", "level"], ["filter-stage", "stage"]]) {
    $(id).addEventListener("change", (e) => { state.filters[key] = e.target.value; render(); });
  }
  for (const th of document.querySelectorAll("#incident-table th[data-sort]")) {
    th.addEventListener("click", () => {
      const key = th.dataset.sort;
      state.sort = { key, desc: state.sort.key === key ? !state.sort.desc : key !== "title" };
      render();
    });
  }
  $("inbox-read").addEventListener("click", () => markRead(inboxItems().map((n) => n.id)));
}

async function start() {
  Words.lang = localStorage.getItem("ebrain.lang") || "zh";
  setupControls();
  applyLanguage();
  if (!state.token) {
    say(t("noToken"), true);
    setConnection("error");
    return;
  }
  try {
    [state.me, state.words] = await Promise.all([api("/api/me"), api("/api/words")]);
  } catch (err) {
    say(err.message, true);
    setConnection("error");
    return;
  }
  state.read = new Set(JSON.parse(localStorage.getItem(readKey()) || "[]"));
  applyLanguage();
  setupReplay();
  try {
    const [counties, provinces] = await Promise.all([api("/api/regions?level=county"), api("/api/regions?level=province")]);
    EBMap.setup(counties, provinces, state.me, (id) => select(id, true));
  } catch (err) {
    say(err.message, true);
  }
  connect();
  Promise.all([api("/api/layers"), api("/api/responders?kind=hospital")])
    .then(([layers, hospitals]) => EBMap.sites(layers, hospitals.items))
    .catch((err) => say(err.message, true));
}

document.addEventListener("DOMContentLoaded", start);
