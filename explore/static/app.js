// plansim explore: levers as controls, every move answered by the server (goal table + fan chart as SVG).
// Plain JavaScript, no library, nothing fetched from outside this server.
"use strict";

// one id per page load: a duplicated tab (which copies sessionStorage) still gets its own
const TAB = Math.random().toString(36).slice(2) + Date.now().toString(36);

let config = null;          // /api/config
let values = {};            // lever name -> value (null: an uncertain input left sampled)
let answer = null;          // the last answer for these values
let chosen = null;          // goal id of the fan chart
let inflight = false, pending = false, seq = 0;
let T = {};                 // words

const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";

function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return x.toExponential(2);
  if (a >= 1000) return Math.round(x).toLocaleString("en-US");
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return Number(x.toFixed(digits + (a < 0.1 ? 1 : 0))).toString();
}

async function post(path, body) {
  const response = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                                      body: JSON.stringify(Object.assign({tab: TAB}, body))});
  if (!response.ok) throw new Error(response.status + " " + response.statusText);
  return response.json();
}

function lever_value_text(lever, v) {
  if (lever.switch) return v >= 0.5 ? T.on : T.off;
  if (lever.year) return String(Math.round(v));
  return fmt(v) + (lever.unit ? " " + lever.unit : "");
}

function build_levers() {
  const box = $("levers");
  box.textContent = "";
  config.levers.forEach((lever, i) => {
    const row = document.createElement("div");
    row.className = "lever";
    row.dataset.name = lever.name;
    const name = document.createElement("div");
    name.className = "lever-name";
    name.tabIndex = 0;
    const label = document.createElement("span");
    label.textContent = lever.label;
    const shown = document.createElement("span");
    shown.className = "lever-value";
    shown.id = "value-" + i;
    name.append(label, shown);
    const tip = document.createElement("div");
    tip.className = "tip";
    const reason = document.createElement("div");
    reason.textContent = (lever.reason || "") + (lever.ranged_by ? "  [" + T.range_from + " " + lever.ranged_by + "]" : "");
    const quote = document.createElement("q");
    quote.textContent = lever.line ? T.plan_line + " " + lever.line + ": " + (lever.plan_line || T.no_plan_line) : "";
    const own = lever.kind === "uncertain" ? T.sampled + ", " + T.fan_median : T.plan_value;
    tip.append(document.createTextNode(lever.name + " · " + own + " " + lever_value_text(lever, lever.value)),
               reason, quote);
    let input;
    if (lever.switch) {
      input = document.createElement("input");
      input.type = "checkbox";
      input.className = "switch";
      input.checked = lever.value >= 0.5;
      input.addEventListener("change", () => move(lever, input.checked ? 1 : 0));
    } else {
      input = document.createElement("input");
      input.type = "range";
      input.min = lever.low; input.max = lever.high; input.step = lever.step; input.value = lever.value;
      input.addEventListener("input", () => move(lever, Number(input.value)));
    }
    input.id = "lever-" + i;
    input.dataset.name = lever.name;
    input.setAttribute("aria-label", lever.label);
    row.append(name, tip, input);
    if (!lever.switch) {
      const ends = document.createElement("div");
      ends.className = "ends";
      const low = document.createElement("span"), high = document.createElement("span");
      low.textContent = lever.year ? String(lever.low) : fmt(lever.low);
      high.textContent = lever.year ? String(lever.high) : fmt(lever.high);
      ends.append(low, high);
      if (lever.kind === "uncertain") {
        const unpin = document.createElement("button");
        unpin.type = "button"; unpin.className = "unpin"; unpin.id = "unpin-" + i; unpin.textContent = T.unpin;
        unpin.addEventListener("click", () => { values[lever.name] = null; input.value = lever.value; refresh_lever(i); request(); });
        ends.insertBefore(unpin, high);
      }
      row.append(ends);
    }
    row.hidden = Boolean(lever.extra);      // offered in the "pin another input" list until chosen
    box.append(row);
    values[lever.name] = lever.kind === "uncertain" ? null : lever.value;
    refresh_lever(i);
  });
}

function build_pin_list() {
  const select = $("pin-other");
  select.textContent = "";
  const extra = config.levers.map((lever, i) => [lever, i]).filter(([lever]) => lever.extra);
  select.hidden = extra.length === 0;
  const first = document.createElement("option");
  first.value = ""; first.textContent = T.pin_other; select.append(first);
  for (const [lever, i] of extra) {
    const option = document.createElement("option");
    option.value = String(i); option.textContent = lever.label; select.append(option);
  }
  select.addEventListener("change", () => {
    if (select.value === "") return;
    const row = $("levers").children[Number(select.value)];
    row.hidden = false;
    row.scrollIntoView({block: "nearest"});
    select.remove(select.selectedIndex);
    select.value = "";
  });
}

function refresh_lever(i) {
  const lever = config.levers[i];
  const v = values[lever.name];
  const row = $("levers").children[i];
  const sampled = lever.kind === "uncertain" && (v === null || v === undefined);
  $("value-" + i).textContent = sampled ? T.sampled : (lever.kind === "uncertain" ? T.pinned + " " : "") + lever_value_text(lever, v);
  row.classList.toggle("moved", !sampled && v !== lever.value);
  const unpin = $("unpin-" + i);
  if (unpin) unpin.style.visibility = sampled ? "hidden" : "visible";
}

function move(lever, v) {
  values[lever.name] = v;
  refresh_lever(config.levers.indexOf(lever));
  request();
}

function reset() {
  config.levers.forEach((lever, i) => {
    values[lever.name] = lever.kind === "uncertain" ? null : lever.value;
    const input = $("lever-" + i);
    if (lever.switch) input.checked = lever.value >= 0.5; else input.value = lever.value;
    refresh_lever(i);
  });
  request();
}

// latest wins: while one answer is on its way, further moves only mark that another request is due
async function request() {
  if (inflight) { pending = true; return; }
  inflight = true; pending = false;
  document.body.dataset.idle = "0";     // the browser test waits for "1": the answer on screen is for these values
  const mine = ++seq;
  $("status").textContent = T.computing; $("status").className = "busy";
  try {
    const got = await post("/api/evaluate", {values: values});
    if (got.error) throw new Error(got.error);
    if (mine === seq) { answer = got; render(); }
  } catch (err) {
    message(String(err.message || err), true);
  } finally {
    inflight = false;
    if (pending) request(); else document.body.dataset.idle = "1";
  }
}

function message(text, error) {
  $("message").textContent = text;
  $("message").className = error ? "error" : "";
}

function render() {
  $("status").className = "";
  $("status").textContent = T.answered.replace("{n}", answer.n).replace("{ms}", answer.ms);
  $("status").dataset.seq = seq;
  const body = document.querySelector("#goals tbody");
  body.textContent = "";
  answer.goals.forEach((g) => {
    const tr = document.createElement("tr");
    tr.id = "goal-" + g.id;
    tr.className = g.id === chosen ? "chosen" : "";
    const cells = [
      [g.label, "label"], [g.target, "nowrap"], [g.p_text, "p"], [g.outcome, "num"], [null, ""],
      [g.plan_p_text, "num muted"], [g.base_p_text, "num muted"]];
    cells.forEach(([text, cls], k) => {
      const td = document.createElement("td");
      td.className = cls;
      if (k === 4) {
        const v = document.createElement("span");
        v.className = "verdict"; v.style.background = g.colour; v.textContent = g.verdict;
        td.append(v);
      } else td.textContent = text;
      if (k === 0) td.title = g.label;
      if (k === 2) { td.id = "p-" + g.id; td.dataset.p = g.p_met === null ? "" : String(g.p_met); td.style.color = g.colour; }
      tr.append(td);
    });
    tr.addEventListener("click", () => { chosen = g.id; $("fan-goal").value = g.id; render(); });
    body.append(tr);
  });
  draw_fan();
}

function el(tag, attrs, text) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function nice_ticks(lo, hi, count) {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function draw_fan() {
  const svg = $("fan");
  svg.textContent = "";
  const goal = answer.goals.find((g) => g.id === chosen);
  const fan = answer.fans[chosen];
  if (!goal || !fan) return;
  const base = config.base ? config.base.fans[chosen] : null;
  const times = answer.times, baseTimes = config.base ? config.base.times : [];
  const W = 1000, H = 360, L = 90, R = 20, TOP = 20, B = 50;
  let values_all = fan.flat().concat(base ? [base[0], base[3], base[6]].flat() : []);
  if (goal.target_value !== null) values_all.push(goal.target_value);
  if (goal.target_pair) values_all = values_all.concat(goal.target_pair);
  values_all = values_all.filter((v) => v !== null && Number.isFinite(v));
  let lo = Math.min(...values_all), hi = Math.max(...values_all);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.06; lo -= pad; hi += pad;
  const t0 = Math.min(times[0], baseTimes[0] ?? times[0]), t1 = Math.max(times[times.length - 1], baseTimes[baseTimes.length - 1] ?? 0);
  const x = (t) => L + (t - t0) / (t1 - t0 || 1) * (W - L - R);
  const y = (v) => TOP + (hi - v) / (hi - lo) * (H - TOP - B);
  for (const t of nice_ticks(lo, hi, 5)) {
    svg.append(el("line", {x1: L, x2: W - R, y1: y(t), y2: y(t), stroke: "#e4e4e4"}));
    svg.append(el("text", {x: L - 8, y: y(t) + 5, "text-anchor": "end", fill: "#444"}, fmt(t)));
  }
  for (let t = Math.ceil(t0 / 5) * 5; t <= t1; t += 5) {
    svg.append(el("line", {x1: x(t), x2: x(t), y1: H - B, y2: H - B + 6, stroke: "#444"}));
    svg.append(el("text", {x: x(t), y: H - B + 24, "text-anchor": "middle", fill: "#444"}, String(t)));
  }
  svg.append(el("line", {x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#444"}));
  const band = (ts, lower, upper, fill, opacity) => {
    const pts = [];
    ts.forEach((t, k) => { if (lower[k] !== null) pts.push(x(t) + "," + y(lower[k])); });
    for (let k = ts.length - 1; k >= 0; k--) if (upper[k] !== null) pts.push(x(ts[k]) + "," + y(upper[k]));
    svg.append(el("polygon", {points: pts.join(" "), fill: fill, "fill-opacity": opacity, stroke: "none"}));
  };
  const line = (ts, vs, stroke, width, dash) => {
    const pts = ts.map((t, k) => vs[k] === null ? null : x(t) + "," + y(vs[k])).filter(Boolean);
    svg.append(el("polyline", {points: pts.join(" "), fill: "none", stroke: stroke, "stroke-width": width,
                               "stroke-dasharray": dash || "none"}));
  };
  // quantile rows: 0.025 0.125 0.25 0.5 0.75 0.875 0.975 (the report's 95/75/50 % bands)
  if (base) {
    line(baseTimes, base[0], "#777", 1.5, "4 4");
    line(baseTimes, base[6], "#777", 1.5, "4 4");
    line(baseTimes, base[3], "#555", 2.5, "10 6");
  }
  band(times, fan[0], fan[6], "#2b6cb0", 0.18);
  band(times, fan[1], fan[5], "#2b6cb0", 0.28);
  band(times, fan[2], fan[4], "#2b6cb0", 0.42);
  line(times, fan[3], "#1d4f85", 3);
  const year = Array.isArray(goal.year) ? goal.year[goal.year.length - 1] : goal.year;
  if (goal.target_value !== null && ["<=", ">=", "==", "reached_by"].includes(goal.comparison)) {
    const cx = x(year), cy = y(goal.target_value);
    const up = goal.comparison !== "<=";
    svg.append(el("path", {d: up ? `M${cx - 11},${cy + 9} L${cx + 11},${cy + 9} L${cx},${cy - 11} Z`
                                 : `M${cx - 11},${cy - 9} L${cx + 11},${cy - 9} L${cx},${cy + 11} Z`,
                           fill: goal.colour, stroke: "#000", "stroke-width": 1}));
    svg.append(el("text", {x: cx - 14, y: cy - 14, "text-anchor": "end", fill: "#222"}, goal.target));
  } else if (goal.target_pair) {
    svg.append(el("line", {x1: x(year), x2: x(year), y1: y(goal.target_pair[0]), y2: y(goal.target_pair[1]),
                           stroke: goal.colour, "stroke-width": 7}));
    svg.append(el("text", {x: x(year) - 12, y: y(goal.target_pair[1]) - 8, "text-anchor": "end", fill: "#222"}, goal.target));
  }
  const unit = goal.unit ? " (" + goal.unit + ")" : "";
  svg.append(el("text", {x: L, y: 14, fill: "#222", "font-weight": "bold"}, goal.label + unit));
  const legend = $("legend");
  legend.innerHTML = "";
  const item = (style, text) => {
    const span = document.createElement("span"), swatch = document.createElement("i");
    swatch.setAttribute("style", style); span.append(swatch, document.createTextNode(text)); legend.append(span);
  };
  item("background:#2b6cb0;opacity:.6", T.fan_now + " 50/75/95%");
  item("background:#1d4f85;height:3px", T.fan_median);
  if (base) item("border-top:3px dashed #555;height:0", T.fan_base);
  item("background:" + goal.colour, T.fan_goal);
}

async function save() {
  const name = $("save-name").value.trim();
  const got = await post("/api/save", {name: name, values: values});
  if (got.error) message(got.error, true); else { message(T.saved + got.path, false); $("save").dataset.saved = got.path; }
}

async function report() {
  message(T.reporting, false);
  const got = await post("/api/report", {});
  if (got.error) message(got.error, true);
  else message(T.reported + got.files.filter((f) => f.endsWith(".pdf")).concat(got.files.slice(0, 1)).slice(0, 1).join(" "), false);
}

async function start() {
  config = await (await fetch("/api/config")).json();
  T = config.strings;
  $("where").textContent = config.region + " · " + config.scenario.split("/").slice(-2).join("/")
    + (config.baseline ? " ↔ " + config.baseline.split("/").slice(-1)[0] : "");
  $("levers-head").textContent = T.levers;
  $("reset").textContent = T.reset;
  $("save").textContent = T.save;
  $("report").textContent = T.report;
  $("save-name").placeholder = T.save_name;
  $("h-goal").textContent = T.col_goal; $("h-target").textContent = T.col_target; $("h-prob").textContent = T.col_prob;
  $("h-median").textContent = T.col_median; $("h-verdict").textContent = T.col_verdict;
  $("h-plan").textContent = T.col_plan; $("h-base").textContent = T.col_base;
  $("fan-label").textContent = T.fan_of;
  const select = $("fan-goal");
  config.plan.goals.forEach((g) => {
    const option = document.createElement("option");
    option.value = g.id; option.textContent = g.label; select.append(option);
  });
  chosen = config.plan.goals[0].id;
  select.addEventListener("change", () => { chosen = select.value; render(); });
  $("reset").addEventListener("click", reset);
  $("save").addEventListener("click", save);
  $("report").addEventListener("click", report);
  build_levers();
  build_pin_list();
  answer = config.plan;
  render();
  document.body.dataset.idle = "1";
  document.body.dataset.ready = "1";
}

start().catch((err) => message(String(err), true));
