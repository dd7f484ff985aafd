// The page's own words (its headings and buttons) in Chinese and English, and event time as people read it.
// Everything about the data (incidents, units, places, decisions) comes already said from the API: each entity
// carries `say.zh` / `say.en`, each feed message `say`, each timeline entry `say` (streams/words on the server).
"use strict";

const LABELS = {
  zh: {
    title: "京津冀应急指挥", eventTime: "事件时间", connecting: "连接中", live: "实时", reconnecting: "重新连接中",
    resynced: "已重新同步", error: "连接错误", drill: "演练回放", pause: "暂停", resume: "继续", fastest: "最快",
    paused: "已暂停", running: "运行中", replayEnded: "回放已结束",
    incidents: "事件", tasks: "任务与力量", actions: "待办", approvals: "待审批", acks: "待确认接报", attention: "需人工核查", hazardNear: "登记风险点",
    attentionWhy: "系统未能处理此事件的一条输入或计时，已留存待查；核查后请确认",
    deadlines: "时限", mutualAid: "跨区支援", supplies: "物资与避难场所", noSupplies: "暂无物资调拨", generalBeds: "普通床位", bedsFree: "空余", sendBack: "归还", kind_supply: "物资", reportsDue: "待报信息", inbox: "通知", markRead: "全部已读",
    feed: "实时动态", timeline: "时间线", warnings: "公众预警",
    unit: "队伍", capability: "任务", incident: "事件", status: "状态", eta: "预计到达", level: "级别",
    stage: "阶段", updated: "更新", allRegions: "全部地区", allLevels: "全部级别", allStages: "全部阶段",
    approve: "批准", reject: "驳回", acknowledge: "确认接报", offer: "提供支援", commit: "确认接收", decline: "拒绝",
    noApprovals: "无待审批事项", noAcks: "无待确认事件", noDeadlines: "无进行中的时限", noAid: "无跨区支援",
    noReports: "暂无待报信息", submitReport: "报送", readiness: "备勤覆盖与前置", noReadiness: "暂无预警下的备勤覆盖", acceptMove: "采纳前置", rejectMove: "不采纳", kind_readiness: "备勤覆盖", kind_move_up: "前置建议", kind_report: "信息报告", kind_losses: "损失统计", kind_work_order: "12345工单", workOrders: "12345工单", noWorkOrders: "暂无12345工单", calls: "件来电", noIncidents: "无事件", noTasks: "无派遣任务",
    noInbox: "无通知", noFeed: "暂无动态", noWarnings: "无公众预警", pickIncident: "点击事件查看时间线", evaluation: "调查评估报告",
    noToken: "请在地址后加上 ?token=<令牌>", sent: "指令已提交，等待处理结果", failed: "指令未提交",
    offerNone: "本地没有可提供的该类队伍", defaultIs: "逾期默认", left: "剩余", overdue: "已逾期",
    due: "截止", yourTurn: "待本中心处理", waiting: "等待对方",
    kpiOpen: "进行中事件", kpiUnits: "出动队伍", kpiCross: "跨省支援队伍", kpiCalls: "近1小时来电", kpiUnread: "未读通知",
    noLevel: "未定级", legendLevel: "填色：响应级别", legendColour: "外圈：预警颜色", legendTask: "派遣路线",
    legendCross: "跨省派遣", legendClosure: "道路封闭",
    layerIncidents: "事件", layerTasks: "派遣路线", layerClosures: "道路封闭", layerHazards: "危险源",
    layerShelters: "应急避难场所", layerHospitals: "医院",
    kind_incident: "事件", kind_task: "任务", kind_notification: "通报", kind_responder: "队伍",
    kind_rejected: "未执行", kind_warning: "预警", kind_mutual_aid: "支援", kind_closure: "封路",
    kind_casualty_routing: "伤员", kind_event: "事件与现场", eventRecord: "事件", partOf: "属于", evidenceFrom: "来源", decidedBy: "决定",
  },
  en: {
    title: "Jing-Jin-Ji Emergency Command", eventTime: "Event time", connecting: "connecting", live: "live",
    reconnecting: "reconnecting", resynced: "resynced", error: "connection error", drill: "Drill replay",
    pause: "Pause", resume: "Resume", fastest: "fastest", paused: "paused", running: "running",
    replayEnded: "replay ended",
    incidents: "Incidents", tasks: "Tasks and units", actions: "To do", approvals: "Approvals", acks: "To acknowledge", attention: "Needs a check", hazardNear: "Registered hazard",
    attentionWhy: "an input or timer of this incident could not be handled and is kept for checking; acknowledge once checked",
    deadlines: "Deadlines", mutualAid: "Mutual aid", supplies: "Supplies and shelters", noSupplies: "No supplies moved", generalBeds: "general beds", bedsFree: "free", sendBack: "Send back", kind_supply: "supplies", reportsDue: "Reports due", inbox: "Inbox", markRead: "Mark all read",
    feed: "Live feed", timeline: "Timeline", warnings: "Public warnings",
    unit: "Unit", capability: "Task", incident: "Incident", status: "Status", eta: "Arrival", level: "Level",
    stage: "Stage", updated: "Updated", allRegions: "All regions", allLevels: "All levels", allStages: "All stages",
    approve: "Approve", reject: "Reject", acknowledge: "Acknowledge", offer: "Offer", commit: "Commit", decline: "Decline",
    noApprovals: "Nothing to approve", noAcks: "Nothing to acknowledge", noDeadlines: "No running deadlines",
    noAid: "No mutual aid", noReports: "No reports due", submitReport: "Submit", readiness: "Readiness and move-up", noReadiness: "No readiness under a warning", acceptMove: "Accept move", rejectMove: "Reject", kind_readiness: "readiness", kind_move_up: "move-up", kind_report: "report upward", kind_losses: "losses", kind_work_order: "12345 order", workOrders: "12345 work orders", noWorkOrders: "No 12345 work orders", calls: "call(s)",
    noIncidents: "No incidents", noTasks: "No tasks", noInbox: "No notifications", noFeed: "Nothing yet",
    noWarnings: "No public warnings", pickIncident: "Click an incident to see its timeline", evaluation: "Evaluation report",
    noToken: "Add ?token=<token> to the page address", sent: "Command submitted; its outcome follows on the feed",
    failed: "Command not submitted", offerNone: "No available unit of that kind to offer", defaultIs: "by default",
    left: "left", overdue: "overdue", due: "due", yourTurn: "your turn", waiting: "waiting for the other side",
    kpiOpen: "Open incidents", kpiUnits: "Units committed", kpiCross: "Cross-border units", kpiCalls: "Calls, last hour",
    kpiUnread: "Unread notices", noLevel: "no level", legendLevel: "Fill: response level",
    legendColour: "Ring: warning colour", legendTask: "Dispatch", legendCross: "Cross-border dispatch",
    legendClosure: "Road closure",
    layerIncidents: "Incidents", layerTasks: "Dispatch lines", layerClosures: "Road closures", layerHazards: "Hazard sites",
    layerShelters: "Shelters", layerHospitals: "Hospitals",
    kind_incident: "incident", kind_task: "task", kind_notification: "notice", kind_responder: "unit",
    kind_rejected: "not done", kind_warning: "warning", kind_mutual_aid: "aid", kind_closure: "road",
    kind_casualty_routing: "casualties", kind_event: "event and site", eventRecord: "event", partOf: "part of", evidenceFrom: "from", decidedBy: "by",
  },
};
const LEVELS = ["I", "II", "III", "IV"];
const LEVEL_COLOURS = { I: "#b71c1c", II: "#e65100", III: "#f9a825", IV: "#1565c0", none: "#78909c" };
const WARNING_COLOURS = { red: "#d32f2f", orange: "#f57c00", yellow: "#fbc02d", blue: "#1e88e5" };
const STAGE_ORDER = { before: 0, during: 1, after: 2, closed: 3 };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ZONE_OFFSET_MS = 8 * 3600e3; // Asia/Shanghai has no daylight saving: event time is read at UTC+8

const Words = {
  lang: "zh",
  t(key) {
    return (LABELS[this.lang] && LABELS[this.lang][key]) || LABELS.en[key] || "";
  },
  // An entity's label in the page's language (names said by the server).
  say(entity, field) {
    const said = entity && entity.say && entity.say[this.lang];
    return (said && said[field]) || "";
  },
  // An incident's stage, level, colour or grade, from the vocabulary (/api/words): the feed does not repeat them.
  fact(inc, field) {
    const voc = state.words;
    if (!voc || !inc) return "";
    const code = { stage: inc.stage, level: inc.response_level, colour: inc.warning_colour, grade: inc.event_grade, type: inc.type, lead: inc.lead || "county" }[field];
    const entry = voc[field] && voc[field][code || "-"];
    return entry ? entry[this.lang] : "";
  },
  lines(said) {
    return (said && said[this.lang]) || [];
  },
  // Local clock time; with the date when it is not the day of `now`.
  clock(ms, now) {
    if (!ms) return "—";
    const at = new Date(ms + ZONE_OFFSET_MS);
    const hm = at.toISOString().slice(11, 16);
    const same = now && new Date(now + ZONE_OFFSET_MS).toISOString().slice(0, 10) === at.toISOString().slice(0, 10);
    if (same) return hm;
    const month = at.getUTCMonth(), day = at.getUTCDate();
    return this.lang === "zh" ? `${month + 1}月${day}日 ${hm}` : `${day} ${MONTHS[month]} ${hm}`;
  },
  span(ms) {
    const minutes = Math.round(Math.abs(ms) / 60000);
    const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    const zh = this.lang === "zh";
    const parts = [d ? (zh ? `${d} 天` : `${d} d`) : "", h ? (zh ? `${h} 小时` : `${h} h`) : "", !d && m ? (zh ? `${m} 分钟` : `${m} min`) : ""];
    return parts.filter(Boolean).join(" ") || (zh ? "不到 1 分钟" : "under a minute");
  },
  relative(at, now) {
    const delta = at - now;
    if (Math.abs(delta) < 30000) return this.lang === "zh" ? "现在" : "now";
    if (this.lang === "zh") return `${this.span(delta)}${delta > 0 ? "后" : "前"}`;
    return delta > 0 ? `in ${this.span(delta)}` : `${this.span(delta)} ago`;
  },
  // "08:09（15 分钟后）" / "08:09 (in 15 min)"
  when(at, now) {
    const rel = this.relative(at, now);
    return this.lang === "zh" ? `${this.clock(at, now)}（${rel}）` : `${this.clock(at, now)} (${rel})`;
  },
  // An arrival: "08:09（15 分钟后）", or once it is past, "08:09（已逾期 5 分钟）".
  arrival(at, now) {
    if (at >= now) return this.when(at, now);
    const late = this.countdown(at, now);
    return this.lang === "zh" ? `${this.clock(at, now)}（${late}）` : `${this.clock(at, now)} (${late})`;
  },
  // A countdown: "剩余 12 分钟" / "12 min left", or overdue.
  countdown(at, now) {
    if (at <= now) return this.lang === "zh" ? `${this.t("overdue")} ${this.span(now - at)}` : `${this.span(now - at)} ${this.t("overdue")}`;
    return this.lang === "zh" ? `${this.t("left")} ${this.span(at - now)}` : `${this.span(at - now)} ${this.t("left")}`;
  },
  levelColour(level) {
    return LEVEL_COLOURS[level] || LEVEL_COLOURS.none;
  },
};
