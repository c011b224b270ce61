// Live view of the ISAC controller: reads /api/events (Server-Sent Events, one JSON snapshot
// per period; see docs/LIVE.md) and draws on <canvas>. No libraries, nothing fetched from elsewhere.
"use strict";

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2"];

function fmt(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e12) return v.toLocaleString("en-US");
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits === undefined ? 3 : digits);
  return v.toFixed(digits === undefined ? 3 : digits);
}

function esc(s) {
  return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c]));
}

function setupCanvas(c) {
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth || 400, h = c.clientHeight || 220;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  const g = c.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = "11px system-ui, sans-serif";
  return {g, w, h};
}

// A line plot. series: [{x: [], y: [], color, label}], options: {xlabel, ylabel, logx, logy, xmin, xmax, ymin, ymax, marks}
function plot(canvas, series, o) {
  const {g, w, h} = setupCanvas(canvas);
  const L = 56, R = 10, T = 10, B = 30;
  const tx = v => o.logx ? Math.log10(v) : v, ty = v => o.logy ? Math.log10(v) : v;
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i], y = s.y[i];
      if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      if ((o.logx && x <= 0) || (o.logy && y <= 0)) continue;
      xmin = Math.min(xmin, tx(x)); xmax = Math.max(xmax, tx(x));
      ymin = Math.min(ymin, ty(y)); ymax = Math.max(ymax, ty(y));
    }
  }
  if (o.xmin !== undefined) xmin = tx(o.xmin);
  if (o.xmax !== undefined) xmax = tx(o.xmax);
  if (o.ymin !== undefined) ymin = ty(o.ymin);
  if (o.ymax !== undefined) ymax = ty(o.ymax);
  g.strokeStyle = "#999"; g.fillStyle = "#444";
  g.strokeRect(L, T, w - L - R, h - T - B);
  if (!Number.isFinite(xmin) || !Number.isFinite(ymin)) {
    g.fillText("no data yet", L + 10, T + 20);
    return;
  }
  if (xmax === xmin) { xmax += 1; xmin -= 1; }
  if (ymax === ymin) { ymax += 1; ymin -= 1; }
  const px = x => L + (tx(x) - xmin) / (xmax - xmin) * (w - L - R);
  const py = y => T + (1 - (ty(y) - ymin) / (ymax - ymin)) * (h - T - B);
  // ticks
  g.textAlign = "center";
  for (let i = 0; i <= 4; i++) {
    const v = xmin + i * (xmax - xmin) / 4, x = L + i * (w - L - R) / 4;
    g.fillText(fmt(o.logx ? Math.pow(10, v) : v, o.logx ? 0 : 1), x, h - B + 13);
  }
  g.textAlign = "right";
  // as many decimals as the tick step needs (a τ axis from 0.18 to 0.40 must not read 0.2, 0.2, 0.3, 0.3)
  const ydigits = Math.min(4, Math.max(0, Math.ceil(-Math.log10((ymax - ymin) / 4))));
  for (let i = 0; i <= 4; i++) {
    const v = ymin + i * (ymax - ymin) / 4, y = h - B - i * (h - T - B) / 4;
    g.fillText(o.logy ? Math.pow(10, v).toExponential(0) : fmt(v, ydigits), L - 4, y + 4);
    g.strokeStyle = "#eee"; g.beginPath(); g.moveTo(L + 1, y); g.lineTo(w - R - 1, y); g.stroke();
  }
  g.textAlign = "center"; g.fillStyle = "#666";
  g.fillText(o.xlabel || "", L + (w - L - R) / 2, h - 3);
  g.save(); g.translate(11, T + (h - T - B) / 2); g.rotate(-Math.PI / 2); g.fillText(o.ylabel || "", 0, 0); g.restore();
  for (const m of (o.marks || [])) {
    const x = px(m.x);
    g.strokeStyle = m.color; g.setLineDash(m.dash || [4, 3]);
    g.beginPath(); g.moveTo(x, T); g.lineTo(x, h - B); g.stroke(); g.setLineDash([]);
    g.fillStyle = m.color; g.textAlign = "left"; g.fillText(m.label, x + 2, T + 11 + (m.row || 0) * 12);
  }
  g.save(); g.beginPath(); g.rect(L, T, w - L - R, h - T - B); g.clip();
  for (const s of series) {
    g.strokeStyle = s.color; g.lineWidth = 1.5; g.beginPath();
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i], y = s.y[i];
      if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y) || (o.logx && x <= 0) || (o.logy && y <= 0)) {
        pen = false; continue;
      }
      if (s.step && pen) g.lineTo(px(x), g._lastY);
      if (pen) g.lineTo(px(x), py(y)); else g.moveTo(px(x), py(y));
      g._lastY = py(y);
      pen = true;
    }
    g.stroke();
  }
  g.restore();
  g.lineWidth = 1;
  // legend
  let lx = L + 8;
  g.textAlign = "left";
  for (const s of series) {
    if (!s.label) continue;
    g.fillStyle = s.color; g.fillRect(lx, h - B - 14, 10, 3);
    g.fillStyle = "#333"; g.fillText(s.label, lx + 14, h - B - 10);
    lx += 20 + g.measureText(s.label).width;
  }
}

function ccdfSeries(lat, color, label) {
  if (!lat || !lat.ccdf || lat.ccdf.length === 0) return null;
  return {x: lat.ccdf.map(p => p[0]), y: lat.ccdf.map(p => p[1]), color, label, step: true};
}

function table(el, rows) {
  el.innerHTML = rows.map(r => "<tr><td>" + esc(r[0]) + "</td><td class=n>" + esc(fmt(r[1])) + "</td></tr>").join("")
    || "<tr><td class=note>none</td></tr>";
}

function renderController(s) {
  const c = s.controller;
  document.getElementById("controller").textContent =
    "isac-controller " + c.version + " · default solver " + c.default_solver + " · up " + fmt(s.uptime_s, 0) + " s";
  const k = c.counters;
  document.getElementById("summary").innerHTML = [
    ["connections", c.connections_open], ["received", k.received], ["sent", k.sent], ["applied", k.applied],
    ["applied / received", k.received ? (100 * k.applied / k.received).toFixed(1) + " %" : "–"],
    ["layers run p50 / min", c.layers_run.n ? c.layers_run.p50 + " / " + c.layers_run.min : "–"],
    ["received → written p50 / p99", c.latency.received_to_written.n
      ? fmt(c.latency.received_to_written.p50_us, 0) + " / " + fmt(c.latency.received_to_written.p99_us, 0) + " µs" : "–"]
  ].map(p => "<span>" + esc(p[0]) + ": <b>" + esc(typeof p[1] === "number" ? fmt(p[1]) : p[1]) + "</b></span>").join("");
  table(document.getElementById("counters"), Object.entries(k));
  table(document.getElementById("rejects"), Object.entries(c.rejects));
  table(document.getElementById("stops"), Object.entries(c.early_stops_by_solver));
  const series = [];
  const stages = [["received_to_written", COLORS[0]], ["solve", COLORS[1]], ["queue_wait", COLORS[2]], ["encode", COLORS[3]],
    ["hand_off", COLORS[4]]];
  for (const [name, color] of stages) {
    const ser = ccdfSeries(c.latency[name], color, name);
    if (ser) series.push(ser);
  }
  plot(document.getElementById("ctl-ccdf"), series, {xlabel: "latency (µs)", ylabel: "P(latency ≥ x)", logx: true, logy: true});
}

function radioCard(r) {
  const id = "radio-" + r.connection;
  let card = document.getElementById(id);
  if (!card) {
    card = document.createElement("section");
    card.id = id;
    card.innerHTML = "<h2></h2><div class=kv></div><div class=grid>" +
      "<div class=plot><h3>Transmit beampattern P(θ) = ‖Xᴴa(θ)‖² of the last update (dB, elevation 0)" +
      " <span class=legend><i style='background:#dc2626'></i>targets<i style='background:#059669'></i>users</span></h3><canvas data-p=beam></canvas></div>" +
      "<div class=plot><h3>Sum rate over time (bit/s/Hz, on the report's channel)</h3><canvas data-p=rate></canvas></div>" +
      "<div class=plot><h3>τ / CRLB over time (solver's prediction)</h3><canvas data-p=sense></canvas></div>" +
      "<div class=plot><h3 data-h=lat></h3><canvas data-p=lat></canvas></div>" +
      "<div class=plot><h3>Layers run per update (solver's iterations)</h3><canvas data-p=layers></canvas></div>" +
      "</div>";
    document.getElementById("radios").appendChild(card);
  }
  return card;
}

function renderRadio(r) {
  const card = radioCard(r);
  card.querySelector("h2").textContent = "Radio " + r.radio_id + " (" + r.mode + ", " + r.tx_array.horizontal + "×" +
    r.tx_array.vertical + " array" + (r.rf_chains ? ", M = " + r.rf_chains : "") + ", " + r.peer + ")";
  const u = r.update;
  const kv = [
    ["received", r.counts.received], ["updates", r.counts.updates], ["rejects", r.counts.rejects], ["applied", r.counts.applied],
    ["late (applied after the deadline)", r.counts.late],
    ["solver", u ? u.solver : "–"],
    ["layers", u ? (u.iterations + (u.layers_planned ? " / " + u.layers_planned : "")) + (u.early_stop ? " (early stop)" : "") : "–"],
    ["solve", u ? fmt(u.solve_us, 0) + " µs" : "–"],
    ["sum rate", fmt(r.sum_rate_bits, 2) + " bit/s/Hz"],
    ["update / report / applied seq", (u ? u.sequence : "–") + " / " + r.report_sequence + " / " + r.applied_sequence]
  ];
  if (u && u.predicted.tau !== undefined) kv.push(["τ", fmt(u.predicted.tau)]);
  if (u && u.predicted.crlb !== undefined) kv.push(["CRLB", fmt(u.predicted.crlb)]);
  const rejects = Object.entries(r.rejects).map(e => e[0] + " " + fmt(e[1])).join(", ");
  kv.push(["rejects by reason", rejects || "none"]);
  if (r.error) kv.push(["error", r.error]);
  card.querySelector(".kv").innerHTML = kv.map(p => "<span>" + esc(p[0]) + ": <b>" +
    esc(typeof p[1] === "number" ? fmt(p[1]) : p[1]) + "</b></span>").join("");

  const beam = card.querySelector("canvas[data-p=beam]");
  if (r.beampattern) {
    const b = r.beampattern, p = b.power_w;
    const peak = Math.max(...p.filter(Number.isFinite));
    const xs = p.map((_, i) => b.azimuth_from_deg + i * b.azimuth_step_deg);
    const ys = p.map(v => 10 * Math.log10(Math.max(v, peak * 1e-6) / peak));
    const marks = r.targets.map((t, i) => ({x: t.azimuth_deg, color: "#dc2626", label: "T" + (i + 1), row: 0}))
      .concat(r.users.map((x, i) => ({x: x.azimuth_deg, color: "#059669", label: "U" + (i + 1), row: 1, dash: [2, 2]})));
    plot(beam, [{x: xs, y: ys, color: COLORS[0]}], {xlabel: "azimuth (°)", ylabel: "dB re peak", xmin: -90, xmax: 90,
      ymin: -40, ymax: 0, marks});
  } else {
    plot(beam, [], {xlabel: "azimuth (°)"});
  }
  const hst = r.history;
  plot(card.querySelector("canvas[data-p=rate]"), [{x: hst.t_s, y: hst.sum_rate_bits, color: COLORS[0], label: "sum rate"}],
    {xlabel: "time (s)", ylabel: "bit/s/Hz"});
  const sense = [];
  if (hst.tau.some(v => v !== null)) sense.push({x: hst.t_s, y: hst.tau, color: COLORS[1], label: "τ"});
  if (hst.crlb.some(v => v !== null)) sense.push({x: hst.t_s, y: hst.crlb, color: COLORS[4], label: "CRLB"});
  plot(card.querySelector("canvas[data-p=sense]"), sense, {xlabel: "time (s)", ylabel: sense.length ? "" : "not predicted by this solver"});
  plot(card.querySelector("canvas[data-p=layers]"), [{x: hst.t_s, y: hst.layers, color: COLORS[3], label: "layers run"}],
    {xlabel: "time (s)", ylabel: "layers", ymin: 0});
  const lat = [];
  const a = ccdfSeries(r.latency.capture_to_applied, COLORS[0], "capture → applied");
  const b = ccdfSeries(r.latency.solve_end_to_applied, COLORS[2], "solve end → applied");
  if (a) lat.push(a);
  if (b) lat.push(b);
  card.querySelector("h3[data-h=lat]").textContent = r.shared_clock
    ? "Latency CCDF from this radio's acks (shared clock), " + fmt(r.latency.acks) + " acks"
    : "No shared clock: the radio's apply times cannot be compared with ours (controller-side latency above)";
  plot(card.querySelector("canvas[data-p=lat]"), lat, {xlabel: "latency (µs)", ylabel: "P(latency ≥ x)", logx: true, logy: true});
}

let last = null;
function render(s) {
  last = s;
  renderController(s);
  const seen = new Set();
  for (const r of s.radios) {
    renderRadio(r);
    seen.add("radio-" + r.connection);
  }
  for (const el of Array.from(document.getElementById("radios").children)) {
    if (!seen.has(el.id)) el.remove();
  }
  const st = document.getElementById("status");
  st.textContent = "live · " + new Date(s.time_ms).toLocaleTimeString() + " · " + s.radios.length + " radio(s)";
  st.className = "";
}

function connect() {
  const es = new EventSource("api/events");
  es.addEventListener("state", e => render(JSON.parse(e.data)));
  es.onerror = () => {
    const st = document.getElementById("status");
    st.textContent = "disconnected, retrying…";
    st.className = "stale";
  };
}
window.addEventListener("resize", () => { if (last) render(last); });
// the snapshot the server put into the page, rendered before the page's load event; then the
// stream (a stream's first event can take a while behind proxies and in headless browsers)
try {
  const inline = JSON.parse(document.getElementById("initial-state").textContent);
  if (inline && inline.radios) render(inline);
} catch (e) { /* the page opened from a file: no snapshot inlined */ }
fetch("api/state").then(r => r.ok ? r.json() : null).then(s => { if (s && !last) render(s); }).catch(() => {});
connect();
