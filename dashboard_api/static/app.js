// The command-centre page: a map of 京津冀 from /api/regions, the live feed over /ws/feed, operator commands.
// Self-contained (no libraries, nothing loaded from elsewhere). Every text from the data goes in through
// textContent, never as HTML: hotline callers write free text.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg"; // a namespace name, not a download
const FEED_KEEP = 100;
const RESYNC_SHOWN_MS = 5000;

const LABELS = {
  zh: {
    title: "京津冀应急指挥", eventTime: "事件时间", connecting: "连接中", live: "实时", reconnecting: "重新连接中",
    resynced: "已重新同步", error: "连接错误", drill: "演练回放", pause: "暂停", resume: "继续",
    incidents: "事件", approvals: "待审批", timeline: "时间线", feed: "实时动态",
    levelI: "I 级", levelII: "II 级", levelIII: "III 级", levelIV: "IV 级", levelNone: "未定级", taskLine: "派遣",
    approve: "批准", reject: "驳回", acknowledge: "确认", acknowledged: "已确认", noToken: "请在地址后加上 ?token=<令牌>",
    sent: "指令已提交", failed: "指令失败", deadline: "截止", pickIncident: "点击事件查看时间线", noApprovals: "无待审批事项",
    paused: "已暂停", running: "运行中", stage_before: "预警", stage_during: "响应", stage_after: "恢复", stage_closed: "已关闭",
    status_merged: "已合并", status_closed: "已关闭", kind_incident: "事件", kind_task: "任务", kind_notification: "通报",
    kind_responder: "队伍", kind_rejected: "已拒绝", level: "响应级别", evidence: "证据",
    warnings: "公开预警", mutualAid: "跨区支援", offer: "提供支援", commit: "确认接收", decline: "拒绝",
    kind_warning: "预警", kind_mutual_aid: "支援", kind_closure: "封控", kind_casualty_routing: "伤员转运", kind_event: "事件", part_of: "属于",
    noWarnings: "无预警", noAid: "无支援请求", offerNone: "本地没有可提供的该类队伍",
    aid_requested: "待提供", aid_offered: "待确认", aid_committed: "已确认", aid_declined: "已拒绝", aid_timed_out: "已超时",
  },
  en: {
    title: "Jing-Jin-Ji Emergency Command", eventTime: "Event time", connecting: "connecting", live: "live",
    reconnecting: "reconnecting", resynced: "resynced", error: "connection error", drill: "Drill replay",
    pause: "Pause", resume: "Resume", incidents: "Incidents", approvals: "Pending approvals", timeline: "Timeline",
    feed: "Live feed", levelI: "Level I", levelII: "Level II", levelIII: "Level III", levelIV: "Level IV",
    levelNone: "no level", taskLine: "dispatch", approve: "Approve", reject: "Reject", acknowledge: "Acknowledge",
    acknowledged: "acknowledged", noToken: "Add ?token=<token> to the page address", sent: "command submitted",
    failed: "command failed", deadline: "due", pickIncident: "Click an incident to see its timeline",
    noApprovals: "nothing to approve", paused: "paused", running: "running", stage_before: "warning",
    stage_during: "response", stage_after: "recovery", stage_closed: "closed", status_merged: "merged",
    status_closed: "closed", kind_incident: "incident", kind_task: "task", kind_notification: "notification",
    kind_responder: "responder", kind_rejected: "rejected", level: "response level", evidence: "evidence",
    warnings: "Public warnings", mutualAid: "Mutual aid", offer: "Offer", commit: "Commit", decline: "Decline",
    kind_warning: "warning", kind_mutual_aid: "mutual aid", kind_closure: "closure",
    kind_casualty_routing: "casualty routing", kind_event: "event", part_of: "part of", noWarnings: "no warnings", noAid: "no mutual-aid requests",
    offerNone: "no available unit of that kind to offer", aid_requested: "awaiting offer",
    aid_offered: "awaiting commit", aid_committed: "committed", aid_declined: "declined", aid_timed_out: "timed out",
  },
};
const TYPE_LABELS = {
  gas_leak: ["燃气泄漏", "gas leak"], gas_explosion: ["燃气爆炸", "gas explosion"],
  flood_rescue: ["洪涝救援", "flood rescue"], building_collapse: ["房屋倒塌", "building collapse"],
  hazmat_leak: ["危化品泄漏", "hazmat leak"], waterlogging: ["城市内涝", "waterlogging"],
  rainstorm: ["暴雨", "rainstorm"], water_outage: ["停水", "water outage"], blackout_risk: ["站点失联", "blackout risk"],
};
const WARNING_COLOURS = { red: "#c62828", orange: "#ef6c00", yellow: "#f9a825", blue: "#1e88e5" };
const LEVEL_COLOURS = { I: "#c62828", II: "#ef6c00", III: "#f9a825", IV: "#1e88e5" };

// Snapshot part, the map it fills and the key of its items; and the map each kind of delta updates.
const SNAPSHOT_PARTS = [
  ["incidents", "incidents", "id"], ["tasks", "tasks", "id"], ["responders", "responders", "id"],
  ["notifications", "notifications", "id"], ["warnings", "warnings", "identifier"],
  ["mutual_aid", "mutualAid", "request_id"], ["closures", "closures", "id"],
];
const DELTA_MAPS = {
  incident: "incidents", task: "tasks", responder: "responders", notification: "notifications",
  warning: "warnings", mutual_aid: "mutualAid", closure: "closures",
};

const state = {
  token: new URLSearchParams(location.search).get("token") || "",
  lang: localStorage.getItem("ebrain.lang") || "zh",
  incidents: new Map(), tasks: new Map(), responders: new Map(), notifications: new Map(),
  warnings: new Map(), mutualAid: new Map(), closures: new Map(),
  seq: 0, epoch: "", atMs: 0, hadSnapshot: false, resyncs: 0,
  places: new Map(), // adcode → name, as in the boundary data
  project: null, selected: "", me: null, socket: null, backoffMs: 1000, renderQueued: false, timelineTimer: 0,
  replayStatus: null,
  zoom: 1, // shown width of the map / its full width: circles keep their size on screen
};

const $ = (id) => document.getElementById(id);
const t = (key) => (LABELS[state.lang] && LABELS[state.lang][key]) || LABELS.en[key] || key;

function el(tag, attrs = {}, text = "") {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  if (text) node.textContent = text;
  return node;
}

function fmtTime(ms) {
  if (!ms) return "—";
  // Event time in China Standard Time (UTC+8), independent of the browser's zone.
  return new Date(ms + 8 * 3600e3).toISOString().slice(5, 19).replace("T", " ");
}

function typeLabel(type) {
  const pair = TYPE_LABELS[type];
  return pair ? pair[state.lang === "zh" ? 0 : 1] : type;
}

function placeName(adcode) {
  return state.places.get(adcode) || adcode || "";
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
  if (!response.ok) {
    throw new Error((body && body.detail) || `${response.status} ${response.statusText}`);
  }
  return body;
}

// ---- labels --------------------------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = state.lang === "zh" ? "EN" : "中文";
  $("lang").dataset.lang = state.lang;
  document.title = t("title");
  if (state.me) $("centre").textContent = `${state.lang === "zh" ? state.me.centre_name : state.me.centre_name_en} · ${state.me.name}`;
  setConnection($("conn").dataset.state);
  showReplay(state.replayStatus);
  render();
  if (state.selected) loadTimeline(state.selected);
}

// ---- map -----------------------------------------------------------------------------------------------

function rings(geometry) {
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

function makeProjection(features) {
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  for (const f of features) {
    for (const ring of rings(f.geometry)) {
      for (const [lon, lat] of ring) {
        minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
        minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
      }
    }
  }
  // Equirectangular, scaled by cos(mid-latitude) so that a degree of longitude is as long as it is there.
  const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const width = 1000;
  const scale = width / ((maxLon - minLon) * kx);
  const height = (maxLat - minLat) * scale;
  const project = (lon, lat) => [(lon - minLon) * kx * scale, (maxLat - lat) * scale];
  project.width = width;
  project.height = height;
  return project;
}

function pathData(geometry, project) {
  return rings(geometry).map((ring) => "M" + ring.map(([lon, lat]) => project(lon, lat).map((v) => v.toFixed(1)).join(",")).join("L") + "Z").join("");
}

function setupZoom() {
  // Wheel zooms about the pointer, dragging pans, double-click shows the whole theater again.
  const svg = $("map");
  const box = () => svg.getAttribute("viewBox").split(" ").map(Number);
  const toMap = (event) => {
    const [x, y, w, h] = box();
    const rect = svg.getBoundingClientRect();
    const scale = Math.max(w / rect.width, h / rect.height);
    const left = rect.left + (rect.width - w / scale) / 2;
    const top = rect.top + (rect.height - h / scale) / 2;
    return [x + (event.clientX - left) * scale, y + (event.clientY - top) * scale, scale];
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const [x, y, w, h] = box();
    const [px, py] = toMap(event);
    const k = Math.min(Math.max(event.deltaY > 0 ? 1.25 : 0.8, 0.02 * state.project.width / w), state.project.width / w);
    svg.setAttribute("viewBox", [px - (px - x) * k, py - (py - y) * k, w * k, h * k].map((v) => v.toFixed(1)).join(" "));
    state.zoom = (w * k) / state.project.width;
    scheduleRender();
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (event) => { drag = { at: toMap(event), box: box() }; });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const [px, py] = toMap(event);
    const [x, y, w, h] = box();
    svg.setAttribute("viewBox", [x - (px - drag.at[0]), y - (py - drag.at[1]), w, h].map((v) => v.toFixed(1)).join(" "));
  });
  window.addEventListener("pointerup", () => { drag = null; });
  svg.addEventListener("dblclick", () => {
    svg.setAttribute("viewBox", `0 0 ${state.project.width} ${state.project.height.toFixed(0)}`);
    state.zoom = 1;
    scheduleRender();
  });
}

async function loadMap() {
  const [counties, provinces] = await Promise.all([api("/api/regions?level=county"), api("/api/regions?level=province")]);
  const project = makeProjection(provinces.features);
  state.project = project;
  $("map").setAttribute("viewBox", `0 0 ${project.width} ${project.height.toFixed(0)}`);
  setupZoom();
  const countyLayer = $("layer-counties");
  countyLayer.replaceChildren();
  const own = state.me && state.me.county;
  for (const f of counties.features) {
    const p = f.properties;
    state.places.set(p.adcode, p.name);
    const path = el("svg:path", {
      class: "region county" + (own === p.adcode ? " own" : ""), d: pathData(f.geometry, project),
      "data-adcode": p.adcode, "data-level": "county", "data-province": p.province_adcode,
    });
    path.appendChild(el("svg:title", {}, `${p.name} (${p.province_name})`));
    countyLayer.appendChild(path);
  }
  const provinceLayer = $("layer-provinces");
  provinceLayer.replaceChildren();
  for (const f of provinces.features) {
    state.places.set(f.properties.adcode, f.properties.name);
    provinceLayer.appendChild(el("svg:path", {
      class: "region province", d: pathData(f.geometry, project), "data-adcode": f.properties.adcode, "data-level": "province",
    }));
  }
  render();
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
  const params = new URLSearchParams({ token: state.token, batch: "1" });
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
    }
    scheduleRender();
    if (state.selected) loadTimeline(state.selected);
  } else if (msg.type === "resumed") {
    setConnection("live");
  } else if (msg.type === "delta") {
    applyDelta(msg);
    state.seq = msg.seq;
    state.atMs = Math.max(state.atMs, msg.at_ms);
    $("conn").dataset.seq = String(state.seq);
    addFeedLine(msg);
    scheduleRender();
  } else if (msg.type === "heartbeat") {
    state.seq = Math.max(state.seq, msg.seq);
    $("conn").dataset.seq = String(state.seq);
  } else if (msg.type === "error") {
    say(msg.detail, true);
  }
}

function applyDelta(msg) {
  const map = state[DELTA_MAPS[msg.kind]];
  if (map) map.set(msg.key, msg.data);
  const touches = msg.kind === "incident" ? msg.key : msg.data && msg.data.incident_id;
  if (touches && touches === state.selected) {
    clearTimeout(state.timelineTimer);
    state.timelineTimer = setTimeout(() => loadTimeline(state.selected), 300);
  }
}

function addFeedLine(msg) {
  const list = $("feed");
  const li = el("li", { "data-seq": msg.seq, "data-kind": msg.kind, "data-key": msg.key });
  li.appendChild(el("span", { class: "muted" }, `${fmtTime(msg.at_ms)} #${msg.seq} `));
  li.appendChild(el("span", {}, `${t("kind_" + msg.kind)} ${describe(msg)}`));
  list.prepend(li);
  while (list.children.length > FEED_KEEP) list.lastElementChild.remove();
}

function describe(msg) {
  const d = msg.data;
  if (msg.kind === "incident") return `${typeLabel(d.type)} · ${placeName(d.adcode)} · ${t("stage_" + d.stage)}`;
  if (msg.kind === "task") return `${d.capability} → ${d.responder_name || d.responder_id || "—"} (${d.status})`;
  if (msg.kind === "notification") return `→ ${placeName(d.to_province)}: ${d.message}`;
  if (msg.kind === "responder") return `${d.name || d.id}: ${d.status}`;
  if (msg.kind === "warning") return `${d.msg_type} ${d.colour || ""} · ${d.headline}`;
  if (msg.kind === "mutual_aid") return `${d.capability} ×${d.count}: ${placeName(d.borrower)} ← ${placeName(d.lender)} · ${t("aid_" + d.stage)}`;
  if (msg.kind === "closure") return `${d.kind} · ${d.status || ""}`;
  // events and sites (fusion): a site named part of an event
  if (msg.kind === "event") return `${typeLabel(d.site_type)} · ${placeName(d.adcode)} ${t("part_of")} ${typeLabel(d.event_type)}`;
  return `${msg.key}: ${typeof d === "string" ? d : JSON.stringify(d)}`;
}

// ---- rendering -----------------------------------------------------------------------------------------

function scheduleRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  requestAnimationFrame(() => { state.renderQueued = false; render(); });
}

function incidentColour(inc) {
  return WARNING_COLOURS[inc.warning_colour] || LEVEL_COLOURS[inc.response_level] || "#78909c";
}

function sortedIncidents() {
  return [...state.incidents.values()].sort((a, b) => (b.updated_at_ms - a.updated_at_ms) || a.id.localeCompare(b.id));
}

function render() {
  $("event-time").textContent = fmtTime(state.atMs);
  renderIncidentList();
  renderApprovals();
  renderWarnings();
  renderMutualAid();
  renderMapLayers();
}

function renderWarnings() {
  const items = [...state.warnings.values()].sort((a, b) => b.sent_ms - a.sent_ms);
  $("warning-count").textContent = String(items.length);
  const rows = items.map((w) => {
    const li = el("li", { "data-identifier": w.identifier, "data-colour": w.colour || "", "data-msg-type": w.msg_type });
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = WARNING_COLOURS[w.colour] || "#78909c";
    const cap = el("button", { type: "button", class: "cap", "data-identifier": w.identifier }, "CAP");
    cap.addEventListener("click", () => openCap(w.identifier));
    li.append(swatch, " ", el("span", {}, w.headline), " ", el("span", { class: "muted" }, `${w.msg_type} · ${fmtTime(w.sent_ms)}`), " ", cap);
    return li;
  });
  if (!rows.length) rows.push(el("li", { class: "muted empty" }, t("noWarnings")));
  $("warnings").replaceChildren(...rows);
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

function renderMutualAid() {
  const mine = state.me && state.me.province;
  const items = [...state.mutualAid.values()].sort((a, b) => a.request_id.localeCompare(b.request_id));
  $("aid-count").textContent = String(items.filter((x) => ["requested", "offered"].includes(x.stage)).length);
  const rows = items.map((x) => {
    const li = el("li", { "data-request-id": x.request_id, "data-stage": x.stage, "data-borrower": x.borrower, "data-lender": x.lender });
    li.append(el("div", {}, `${x.capability} ×${x.count}: ${placeName(x.borrower)} ← ${placeName(x.lender)} · ${t("aid_" + x.stage)}`));
    if (x.reason) li.append(el("div", { class: "muted" }, x.reason));
    if (x.stage === "requested" && mine === x.lender) li.append(aidButton("offer", x), " ", aidButton("decline", x));
    if (x.stage === "offered" && mine === x.borrower) li.append(aidButton("commit", x), " ", aidButton("decline", x));
    return li;
  });
  if (!rows.length) rows.push(el("li", { class: "muted empty" }, t("noAid")));
  $("mutual-aid").replaceChildren(...rows);
}

function aidButton(action, exchange) {
  const button = el("button", { type: "button", class: `aid-${action}`, "data-request-id": exchange.request_id }, t(action));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const body = { responder_ids: action === "offer" ? await unitsToOffer(exchange) : [] };
      const accepted = await api(`/api/mutual-aid/${encodeURIComponent(exchange.request_id)}/${action}`, { method: "POST", body: JSON.stringify(body) });
      say(`${t("sent")}: ${accepted.command_id}`);
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

function renderIncidentList() {
  const list = $("incident-list");
  const items = sortedIncidents();
  $("incident-count").textContent = String(items.filter((i) => i.status === "open").length);
  list.replaceChildren(...items.map((inc) => {
    const li = el("li", {
      "data-incident-id": inc.id, "data-stage": inc.stage, "data-level": inc.response_level || "",
      "data-status": inc.status, "data-acknowledged": String(inc.acknowledged), "aria-selected": String(inc.id === state.selected),
    });
    const badge = el("span", { class: "badge" }, inc.response_level || "—");
    badge.style.background = incidentColour(inc);
    li.append(badge, el("span", {}, `${typeLabel(inc.type)} · ${placeName(inc.adcode)}`));
    // events and sites (fusion): an event is marked as such, a site names its event
    if (inc.scale === "event") li.append(el("span", { class: "muted" }, ` [${t("kind_event")}]`));
    const master = inc.event_id && state.incidents.get(inc.event_id);
    if (master) li.append(el("span", { class: "muted" }, ` ${t("part_of")} ${typeLabel(master.type)}`));
    const status = inc.status === "open" ? t("stage_" + inc.stage) : t("status_" + inc.status);
    li.append(el("span", { class: "muted" }, `${status} · ${fmtTime(inc.updated_at_ms)}`));
    if (inc.status === "open" && !inc.acknowledged) li.append(commandButton("ack", inc.id, "", t("acknowledge")));
    li.addEventListener("click", (event) => { if (!event.target.closest("button")) select(inc.id); });
    return li;
  }));
}

function renderApprovals() {
  const list = $("approvals");
  const rows = [];
  for (const inc of sortedIncidents()) {
    if (inc.status !== "open") continue;
    for (const ap of inc.approvals || []) {
      if (ap.state !== "pending") continue;
      const li = el("li", { "data-incident-id": inc.id, "data-approval-id": ap.id });
      li.append(el("div", {}, `${typeLabel(inc.type)} · ${placeName(inc.adcode)}: ${ap.summary}`));
      li.append(el("div", { class: "muted" }, `${t("deadline")} ${fmtTime(ap.deadline_ms)} (${ap.default})`));
      li.append(commandButton("approve", inc.id, ap.id, t("approve")), " ", commandButton("reject", inc.id, ap.id, t("reject")));
      rows.push(li);
    }
  }
  $("approval-count").textContent = String(rows.length);
  if (!rows.length) rows.push(el("li", { class: "muted empty" }, t("noApprovals")));
  list.replaceChildren(...rows);
}

function commandButton(kind, incidentId, approvalId, label) {
  const button = el("button", { type: "button", class: kind, "data-incident-id": incidentId, "data-approval-id": approvalId || undefined }, label);
  button.addEventListener("click", async (event) => {
    event.stopPropagation();
    button.disabled = true;
    const path = kind === "ack" ? "acknowledge" : kind;
    const body = approvalId ? JSON.stringify({ approval_id: approvalId }) : undefined;
    try {
      const accepted = await api(`/api/incidents/${encodeURIComponent(incidentId)}/${path}`, { method: "POST", body });
      say(`${t("sent")}: ${accepted.command_id}`);
    } catch (err) {
      say(`${t("failed")}: ${err.message}`, true);
      button.disabled = false;
    }
  });
  return button;
}

function renderMapLayers() {
  const project = state.project;
  if (!project) return;
  const tasks = [];
  for (const task of state.tasks.values()) {
    const inc = state.incidents.get(task.incident_id);
    if (!inc || !task.responder_base || ["completed", "declined"].includes(task.status)) continue;
    const [x1, y1] = project(task.responder_base[0], task.responder_base[1]);
    const [x2, y2] = project(inc.lon, inc.lat);
    const line = el("svg:line", {
      class: "task", x1: x1.toFixed(1), y1: y1.toFixed(1), x2: x2.toFixed(1), y2: y2.toFixed(1),
      "data-task-id": task.id, "data-incident-id": task.incident_id, "data-status": task.status, "data-cross-border": String(task.cross_border),
    });
    line.appendChild(el("svg:title", {}, `${task.responder_name || task.responder_id} → ${task.incident_id} (${task.status})`));
    tasks.push(line);
  }
  $("layer-tasks").replaceChildren(...tasks);
  const closures = [...state.closures.values()].filter((c) => c.status !== "reopened" && c.lon != null).map((c) => {
    const [x, y] = project(c.lon, c.lat);
    const mark = el("svg:circle", {
      class: "closure", cx: x.toFixed(1), cy: y.toFixed(1), r: (5 * state.zoom).toFixed(2),
      "data-closure-id": c.id, "data-kind": c.kind, "data-status": c.status || "active",
    });
    mark.appendChild(el("svg:title", {}, `${t("kind_closure")} ${c.kind} · ${c.id}`));
    return mark;
  });
  $("layer-closures").replaceChildren(...closures);
  const circles = sortedIncidents().reverse().map((inc) => {
    const [x, y] = project(inc.lon, inc.lat);
    const circle = el("svg:circle", {
      class: "incident" + (inc.id === state.selected ? " selected" : ""), cx: x.toFixed(1), cy: y.toFixed(1),
      r: ((inc.status === "open" ? 7 : 5) * state.zoom).toFixed(2), fill: incidentColour(inc),
      "data-incident-id": inc.id, "data-level": inc.response_level || "", "data-warning": inc.warning_colour || "", "data-status": inc.status,
    });
    circle.appendChild(el("svg:title", {}, `${typeLabel(inc.type)} · ${placeName(inc.adcode)} · ${inc.id}`));
    circle.addEventListener("click", () => select(inc.id));
    return circle;
  });
  $("layer-incidents").replaceChildren(...circles);
}

// ---- timeline ------------------------------------------------------------------------------------------

function select(incidentId) {
  state.selected = incidentId;
  render();
  loadTimeline(incidentId);
}

async function loadTimeline(incidentId) {
  const list = $("timeline");
  list.dataset.incidentId = incidentId;
  const inc = state.incidents.get(incidentId);
  $("timeline-title").textContent = inc ? `${typeLabel(inc.type)} · ${placeName(inc.adcode)} · ${incidentId}` : incidentId;
  const actions = $("timeline-actions");
  actions.replaceChildren();
  if (inc && inc.status === "open" && !inc.acknowledged) actions.append(commandButton("ack", incidentId, "", t("acknowledge")));
  try {
    const data = await api(`/api/incidents/${encodeURIComponent(incidentId)}/timeline`);
    if (list.dataset.incidentId !== incidentId) return; // another incident was picked meanwhile
    list.replaceChildren(...data.entries.map((entry) => {
      const li = el("li", { "data-kind": entry.kind, "data-entry-id": entry.id, "data-at-ms": entry.at_ms });
      li.append(el("span", { class: "muted" }, `${fmtTime(entry.at_ms)} `), el("span", {}, entry.summary));
      const personal = entry.kind === "evidence" && entry.data.personal;
      if (personal && (personal.name || personal.phone)) {
        li.append(el("span", { class: "muted" }, ` (${personal.name || ""} ${personal.phone || ""})`));
      }
      return li;
    }));
  } catch (err) {
    list.replaceChildren(el("li", { class: "muted" }, err.message));
  }
}

// ---- drill replay --------------------------------------------------------------------------------------

function showReplay(status) {
  state.replayStatus = status;
  if (!status) return;
  $("replay-status").textContent = `${status.paused ? t("paused") : t("running")}${status.speed ? ` ${status.speed}×` : " max"}`;
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
}

// ---- start ---------------------------------------------------------------------------------------------

async function start() {
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("ebrain.lang", state.lang);
    applyLanguage();
  });
  applyLanguage();
  if (!state.token) {
    say(t("noToken"), true);
    setConnection("error");
    return;
  }
  try {
    state.me = await api("/api/me");
  } catch (err) {
    say(err.message, true);
    setConnection("error");
    return;
  }
  applyLanguage();
  setupReplay();
  connect();
  loadMap().catch((err) => say(err.message, true));
  const hint = el("li", { class: "muted" }, t("pickIncident"));
  $("timeline").replaceChildren(hint);
}

document.addEventListener("DOMContentLoaded", start);
