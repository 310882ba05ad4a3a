// The pinas dashboard's script (nas/dashboard/page/). Plain JS and SVG, no
// library: the page must work with nothing fetched but its own data. Live mode
// polls api/snapshot; report mode renders the inlined data once.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const POLL_MS = 2000;
  const inlined = JSON.parse(document.getElementById("pinas-data").textContent);
  const state = {
    data: null, selected: null, sort: { key: "trial", dir: 1 }, details: {}, renders: 0,
    frontHistory: [], userSelected: false,
  };
  const palette = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e"];

  // ---- small helpers ----
  function svg(tag, attrs, parent, text) {
    const node = document.createElementNS(SVG, tag);
    for (const key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function html(tag, attrs, parent, text) {
    const node = document.createElement(tag);
    for (const key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function titled(node, text) { svg("title", {}, node, text); return node; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  const count = (n) => (n === null || n === undefined ? "–" : Math.round(n).toLocaleString("en-US"));
  function short(n) {
    if (n >= 1e6) return +(n / 1e6).toPrecision(3) + "M";
    if (n >= 1e3) return +(n / 1e3).toPrecision(3) + "K";
    return String(+n.toPrecision(3));
  }
  function seconds(s) {
    if (s === null || s === undefined) return "–";
    if (s >= 100) return s.toFixed(0) + " s";
    if (s >= 1) return s.toFixed(2) + " s";
    if (s >= 1e-3) return (s * 1e3).toFixed(2) + " ms";
    return (s * 1e6).toFixed(1) + " µs";
  }
  const percent = (a) => (a === null || a === undefined ? "–" : (100 * a).toFixed(2) + "%");
  function bytes(b) {
    if (b >= 1e9) return (b / 1e9).toFixed(2) + " GB";
    if (b >= 1e6) return (b / 1e6).toFixed(2) + " MB";
    if (b >= 1e3) return (b / 1e3).toFixed(1) + " KB";
    return b.toFixed(0) + " B";
  }
  function duration(s) {
    if (!isFinite(s) || s < 0) return "–";
    if (s < 120) return s.toFixed(0) + " s";
    if (s < 7200) return (s / 60).toFixed(1) + " min";
    return (s / 3600).toFixed(1) + " h";
  }

  // ---- a plot frame: axes, ticks, titles; returns the scales ----
  function linearTicks(low, high, n) {
    const step = Math.pow(10, Math.floor(Math.log10((high - low) / n || 1)));
    const nice = [1, 2, 2.5, 5, 10].map((m) => m * step).find((s) => (high - low) / s <= n) || step * 10;
    const ticks = [];
    for (let v = Math.ceil(low / nice) * nice; v <= high + nice * 1e-9; v += nice) ticks.push(+v.toPrecision(12));
    return ticks;
  }
  function frame(root, o) {
    const w = o.width, h = o.height, m = o.margin || { l: 62, r: o.right ? 58 : 18, t: 16, b: 44 };
    const x0 = m.l, x1 = w - m.r, y0 = h - m.b, y1 = m.t;
    const lx = (v) => Math.log10(Math.max(v, o.x.min));
    const sx = o.x.log
      ? (v) => x0 + ((lx(v) - Math.log10(o.x.min)) / (Math.log10(o.x.max) - Math.log10(o.x.min) || 1)) * (x1 - x0)
      : (v) => x0 + ((v - o.x.min) / (o.x.max - o.x.min || 1)) * (x1 - x0);
    const scaleY = (axis) => (v) => y0 - ((v - axis.min) / (axis.max - axis.min || 1)) * (y0 - y1);
    const sy = scaleY(o.y);
    const axes = svg("g", { class: "axis" }, root);
    const xticks = o.x.log ? [] : linearTicks(o.x.min, o.x.max, 6);
    if (o.x.log) for (let p = Math.ceil(Math.log10(o.x.min) - 1e-9); p <= Math.log10(o.x.max) + 1e-9; ++p) xticks.push(Math.pow(10, p));
    for (const t of xticks) {
      svg("line", { x1: sx(t), x2: sx(t), y1: y1, y2: y0, class: "grid" }, axes);
      svg("text", { x: sx(t), y: y0 + 16, "text-anchor": "middle" }, axes, o.x.format(t));
    }
    for (const t of linearTicks(o.y.min, o.y.max, 5)) {
      svg("line", { x1: x0, x2: x1, y1: sy(t), y2: sy(t), class: "grid" }, axes);
      svg("text", { x: x0 - 6, y: sy(t) + 4, "text-anchor": "end" }, axes, o.y.format(t));
    }
    svg("path", { d: `M${x0},${y1}V${y0}H${x1}`, fill: "none" }, axes);
    svg("text", { x: (x0 + x1) / 2, y: h - 8, "text-anchor": "middle", class: "title" }, axes, o.x.title);
    svg("text", { x: 14, y: (y0 + y1) / 2, "text-anchor": "middle", class: "title",
                  transform: `rotate(-90 14 ${(y0 + y1) / 2})` }, axes, o.y.title);
    let sy2 = null;
    if (o.right) {
      sy2 = scaleY(o.right);
      for (const t of linearTicks(o.right.min, o.right.max, 5))
        svg("text", { x: x1 + 6, y: sy2(t) + 4 }, axes, o.right.format(t));
      svg("path", { d: `M${x1},${y1}V${y0}`, fill: "none" }, axes);
      svg("text", { x: w - 10, y: (y0 + y1) / 2, "text-anchor": "middle", class: "title",
                    transform: `rotate(90 ${w - 10} ${(y0 + y1) / 2})` }, axes, o.right.title);
    }
    return { sx, sy, sy2, x0, x1, y0, y1 };
  }
  function range(values, pad, floor) {
    let low = Math.min(...values), high = Math.max(...values);
    if (!isFinite(low)) { low = 0; high = 1; }
    const span = high - low || Math.abs(high) || 1;
    low -= span * pad; high += span * pad;
    if (floor !== undefined) low = Math.max(floor, low);
    return { min: low, max: high };
  }
  function legend(root, x, y, entries) {
    const g = svg("g", { class: "legend" }, root);
    entries.forEach((e, i) => {
      const row = svg("g", { transform: `translate(${x},${y + i * 16})` }, g);
      marker(row, e.shape, 6, -4, e.colour, 4.5);
      svg("text", { x: 16, y: 0 }, row, e.label);
    });
  }
  function marker(parent, shape, x, y, colour, r) {
    if (shape === "square") return svg("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: colour, class: "point" }, parent);
    if (shape === "triangle")
      return svg("path", { d: `M${x},${y - r * 1.2}L${x + r},${y + r * 0.8}L${x - r},${y + r * 0.8}Z`, fill: "none",
                           stroke: colour, "stroke-width": 1.8, class: "point" }, parent);
    return svg("circle", { cx: x, cy: y, r: r, fill: colour, class: "point" }, parent);
  }

  // ---- the Pareto front ----
  const latency = () => state.data.experiment.metric === "PI_LATENCY";
  function xValue(trial, axis) { return axis === "relus" ? Math.max(1, trial.relus) : Math.max(1e-9, trial.cost); }
  function drawFront() {
    const data = state.data, root = document.getElementById("front");
    clear(root);
    const axis = document.getElementById("front-x").value, yKey = document.getElementById("front-y").value;
    const dataset = document.getElementById("front-references").value;
    const scored = data.trials.filter((t) => t.status === "complete" && t[yKey] !== null);
    scored.sort((a, b) => xValue(a, axis) - xValue(b, axis) || b[yKey] - a[yKey]);
    const front = [];
    let best = -Infinity;
    for (const t of scored) if (t[yKey] > best) { front.push(t); best = t[yKey]; }
    const onFront = new Set(front.map((t) => t.trial));
    const reduced = axis === "relus" ? data.reduced : [];
    const references = axis === "relus" && dataset ? data.references.filter((p) => p.dataset === dataset) : [];
    const rKey = yKey === "test_accuracy" ? "test_accuracy" : "val_accuracy";
    const xs = scored.map((t) => xValue(t, axis)).concat(reduced.map((r) => Math.max(1, r.relus)), references.map((p) => p.relus));
    const ys = scored.map((t) => t[yKey]).concat(reduced.map((r) => r[rKey]), references.map((p) => p.accuracy));
    const budget = (axis === "relus") !== latency() ? data.experiment.max_cost : null;
    if (budget) xs.push(budget);
    const lowX = xs.length ? Math.min(...xs) : 1, highX = xs.length ? Math.max(...xs) : 10;
    const decadeLow = Math.pow(10, Math.floor(Math.log10(lowX))), decadeHigh = Math.pow(10, Math.ceil(Math.log10(highX * 1.0001)));
    const p = frame(root, {
      width: 900, height: 460, margin: { l: 62, r: 250, t: 16, b: 44 },
      x: { min: decadeLow, max: Math.max(decadeHigh, decadeLow * 10), log: true, format: axis === "relus" ? short : seconds,
           title: axis === "relus" ? "ReLUs (log scale)" : "predicted online latency (log scale)" },
      y: Object.assign(range(ys, 0.08, 0), { format: (v) => (100 * v).toFixed(0) + "%",
           title: yKey === "val_accuracy" ? "validation accuracy" : "test accuracy" }),
    });
    if (budget) {
      svg("line", { x1: p.sx(budget), x2: p.sx(budget), y1: p.y1, y2: p.y0, stroke: "#999", "stroke-dasharray": "5 4" }, root);
      svg("text", { x: p.sx(budget) - 4, y: p.y0 - 6, "text-anchor": "end", class: "title" }, root, "budget");
    }
    if (front.length) {
      let d = "";
      front.forEach((t, i) => {
        const x = p.sx(xValue(t, axis)), y = p.sy(t[yKey]);
        d += i === 0 ? `M${x},${y}` : `H${x}V${y}`;
      });
      svg("path", { d, fill: "none", stroke: "#d62728", "stroke-width": 1.5, opacity: 0.6 }, root);
    }
    const describe = (t) => `trial ${t.trial}: ${count(t.relus)} ReLUs` + (latency() ? `, ${seconds(t.cost)}` : "") +
      `, val ${percent(t.val_accuracy)}, test ${percent(t.test_accuracy)}\n${t.genotype}`;
    for (const t of scored) {
      const dot = marker(root, "circle", p.sx(xValue(t, axis)), p.sy(t[yKey]), onFront.has(t.trial) ? "#d62728" : "#aaaaaa",
                         onFront.has(t.trial) ? 5 : 3.5);
      dot.setAttribute("data-trial", t.trial);
      if (t.trial === state.selected) dot.classList.add("selected");
      titled(dot, describe(t)).addEventListener("click", () => select(t.trial, true));
    }
    for (const r of reduced)
      titled(marker(root, "square", p.sx(Math.max(1, r.relus)), p.sy(r[rKey]), "#1f77b4", 4),
             `trial ${r.reduced_from} reduced by ${r.method} to ${count(r.relus)} ReLUs (budget ${count(r.budget)}): ` +
             `val ${percent(r.val_accuracy)}, test ${percent(r.test_accuracy)}`);
    const methods = [...new Set(references.map((q) => q.method))];
    for (const q of references)
      titled(marker(root, "triangle", p.sx(q.relus), p.sy(q.accuracy), palette[methods.indexOf(q.method) % palette.length], 5),
             `${q.source}: ${count(q.relus)} ReLUs, ${percent(q.accuracy)} test accuracy on ${q.dataset} (published)`);
    const entries = [{ shape: "circle", colour: "#d62728", label: `searched, Pareto front (${front.length})` },
                     { shape: "circle", colour: "#aaaaaa", label: `searched, dominated (${scored.length - front.length})` }];
    if (reduced.length) entries.push({ shape: "square", colour: "#1f77b4", label: `reduced (${[...new Set(reduced.map((r) => r.method))].join(", ")})` });
    methods.forEach((m, i) => entries.push({ shape: "triangle", colour: palette[i % palette.length], label: `${m}, published (methods.md)` }));
    legend(root, p.x1 + 18, p.y1 + 10, entries);
    root.setAttribute("data-points", scored.length);
    root.setAttribute("data-front", front.length);
    root.setAttribute("data-reduced", reduced.length);
    root.setAttribute("data-references", references.length);
    return scored.length;
  }

  // ---- progress over time ----
  function drawProgress() {
    const data = state.data, root = document.getElementById("progress");
    clear(root);
    const trained = data.trials.filter((t) => t.status !== "over_budget" && t.status !== "invalid");
    const start = data.experiment.created_at || Math.min(...data.trials.map((t) => t.created_at));
    const end = data.experiment.finished_at || data.experiment.generated_at;
    const done = trained.filter((t) => t.finished_at > 0).sort((a, b) => a.finished_at - b.finished_at);
    const complete = done.filter((t) => t.status === "complete" && t.val_accuracy !== null);
    const span = Math.max(1, end - start);
    const minutes = span > 180;
    const unit = minutes ? 60 : 1;
    const accuracy = Object.assign(range(complete.map((t) => t.val_accuracy), 0.1, 0),
                                   { format: (v) => (100 * v).toFixed(0) + "%", title: "best validation accuracy" });
    const p = frame(root, {
      width: 600, height: 300, right: accuracy,
      x: { min: 0, max: span / unit, format: (v) => String(+v.toPrecision(3)), title: minutes ? "minutes since the search started" : "seconds since the search started" },
      y: { min: 0, max: Math.max(1, data.experiment.max_trials, trained.length), format: (v) => String(v), title: "trials finished" },
    });
    let d = `M${p.sx(0)},${p.sy(0)}`;
    done.forEach((t, i) => { d += `H${p.sx((t.finished_at - start) / unit)}V${p.sy(i + 1)}`; });
    d += `H${p.sx(span / unit)}`;
    svg("path", { d, fill: "none", stroke: "#1f77b4", "stroke-width": 2 }, root);
    let best = null, b = "";
    for (const t of complete) {
      if (best !== null && t.val_accuracy <= best) continue;
      const x = p.sx((t.finished_at - start) / unit);
      b += best === null ? `M${x},${p.sy2(t.val_accuracy)}` : `H${x}V${p.sy2(t.val_accuracy)}`;
      best = t.val_accuracy;
    }
    if (b) svg("path", { d: b + `H${p.sx(span / unit)}`, fill: "none", stroke: "#d62728", "stroke-width": 2 }, root);
    legend(root, p.x0 + 12, p.y1 + 12, [{ shape: "square", colour: "#1f77b4", label: "trials finished (left)" },
                                        { shape: "square", colour: "#d62728", label: "best within budget (right)" }]);
    root.setAttribute("data-finished", done.length);
  }

  // ---- learning curves ----
  function drawCurves() {
    const data = state.data, root = document.getElementById("curves");
    clear(root);
    const curves = data.trials.filter((t) => t.curve.length);
    const chosen = data.trials.find((t) => t.trial === state.selected);
    const epochs = curves.flatMap((t) => t.curve.map((e) => e.epoch));
    const values = curves.flatMap((t) => t.curve.flatMap((e) => [e.val_accuracy, e.train_accuracy]));
    const p = frame(root, {
      width: 600, height: 300,
      x: { min: 0, max: Math.max(1, ...epochs), format: (v) => String(v), title: "epoch" },
      y: Object.assign(range(values, 0.05, 0), { format: (v) => (100 * v).toFixed(0) + "%", title: "accuracy" }),
    });
    const line = (t, key, attrs) => {
      const points = [{ epoch: 0, value: null }].concat(t.curve.map((e) => ({ epoch: e.epoch, value: e[key] }))).filter((q) => q.value !== null);
      const node = svg("polyline", Object.assign({ points: points.map((q) => `${p.sx(q.epoch)},${p.sy(q.value)}`).join(" "), fill: "none" }, attrs), root);
      return titled(node, `trial ${t.trial}: ${key.replace("_", " ")} ${t.curve.map((e) => percent(e[key])).join(" → ")}`);
    };
    for (const t of curves) if (t !== chosen) line(t, "val_accuracy", { stroke: "#c8ccd2", "stroke-width": 1 }).addEventListener("click", () => select(t.trial, true));
    if (chosen && chosen.curve.length) {
      line(chosen, "train_accuracy", { stroke: "#1f77b4", "stroke-width": 2, "stroke-dasharray": "5 3" });
      line(chosen, "val_accuracy", { stroke: "#d62728", "stroke-width": 2.5 });
      for (const e of chosen.curve) titled(marker(root, "circle", p.sx(e.epoch), p.sy(e.val_accuracy), "#d62728", 3),
                                           `epoch ${e.epoch}: val ${percent(e.val_accuracy)}, train ${percent(e.train_accuracy)}, loss ${e.train_loss.toFixed(4)}, ${seconds(e.seconds)}`);
    }
    legend(root, p.x1 - 230, p.y0 - 44, [{ shape: "square", colour: "#d62728", label: "selected: validation" },
                                         { shape: "square", colour: "#1f77b4", label: "selected: training" },
                                         { shape: "square", colour: "#c8ccd2", label: "other trials: validation" }]);
    document.getElementById("curves-caption").textContent = chosen ? `trial ${chosen.trial}` : "";
    root.setAttribute("data-curves", curves.length);
  }

  // ---- the trial table ----
  function columns() {
    const list = [["trial", "trial", count], ["status", "status", String, "text"], ["relus", "ReLUs", count]];
    if (latency()) list.push(["cost", "latency", seconds]);
    list.push(["macs", "MACs", short], ["params", "params", short], ["epochs", "epochs", String],
              ["val_accuracy", "val acc", percent], ["test_accuracy", "test acc", percent],
              ["train_seconds", "train time", (s) => (s > 0 ? seconds(s) : "–")], ["worker", "worker", String, "text"], ["genotype", "genotype", String, "text genotype"]);
    return list;
  }
  function drawTable() {
    const data = state.data, head = document.getElementById("trial-head"), body = document.getElementById("trial-body");
    const statusSelect = document.getElementById("trial-status");
    const statuses = [...new Set(data.trials.map((t) => t.status))].sort();
    for (const s of statuses) if (![...statusSelect.options].some((o) => o.value === s)) html("option", { value: s }, statusSelect, s);
    clear(head); clear(body);
    const cols = columns();
    for (const [key, label, , cls] of cols) {
      const th = html("th", { class: (cls || "") + (state.sort.key === key ? (state.sort.dir > 0 ? " sorted-asc" : " sorted-desc") : ""), "data-key": key }, head, label);
      th.addEventListener("click", () => {
        state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : key.includes("accuracy") ? -1 : 1 };
        drawTable();
      });
    }
    const text = document.getElementById("trial-filter").value.trim().toLowerCase(), status = statusSelect.value;
    const rows = data.trials.filter((t) => (!status || t.status === status) &&
      (!text || `${t.trial} ${t.genotype} ${t.worker} ${t.failure_reason} ${t.status}`.toLowerCase().includes(text)));
    const { key, dir } = state.sort;
    rows.sort((a, b) => {
      const x = a[key], y = b[key];
      if (x === y) return a.trial - b.trial;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    for (const t of rows) {
      const tr = html("tr", { "data-trial": t.trial, class: t.trial === state.selected ? "selected" : "" }, body);
      for (const [k, , format, cls] of cols) {
        const td = html("td", { class: (cls || "") + (k === "status" ? " status-" + t.status : "") }, tr, format(t[k]));
        if (k === "genotype" || (k === "status" && t.failure_reason)) td.title = k === "genotype" ? t.genotype : t.failure_reason;
      }
      tr.addEventListener("click", () => select(t.trial, true));
    }
    document.getElementById("trial-count").textContent = `${rows.length} of ${data.trials.length} trials shown`;
  }

  // ---- the per-layer breakdown of the selected trial ----
  function drawLayers(detail) {
    const root = document.getElementById("layer-chart"), head = document.getElementById("layer-head"), body = document.getElementById("layer-body");
    clear(root); clear(head); clear(body);
    const caption = document.getElementById("layers-caption");
    if (!detail) { caption.textContent = state.selected === null ? "select a trial (table row or front point)" : `trial ${state.selected}: loading…`; return; }
    if (detail.unavailable) { caption.textContent = `trial ${detail.trial}: ${detail.unavailable}`; return; }
    const pi = detail.model === "pi-latency";
    const layers = detail.layers.filter((l) => l.relus > 0 || l.linear_macs > 0 || l.online_s > 0 || l.truncations > 0);
    caption.textContent = `trial ${detail.trial}: ${count(detail.totals.relus)} ReLUs, ${short(detail.totals.linear_macs)} MACs` +
      (pi ? `, predicted online ${seconds(detail.totals.online_s)} (${bytes(detail.totals.online_bytes)}), offline ${seconds(detail.totals.offline_s)} (${bytes(detail.totals.offline_bytes)})` : "") +
      ` (${detail.model} model)`;
    const key = pi ? "online_s" : "relus";
    const p = frame(root, {
      width: 900, height: 260, margin: { l: 70, r: 18, t: 12, b: 40 },
      x: { min: 0, max: Math.max(1, layers.length), format: () => "", title: "layers in network order (hover for names)" },
      y: { min: 0, max: Math.max(...layers.map((l) => l[key]), pi ? 1e-6 : 1) * 1.05, format: pi ? seconds : short, title: pi ? "predicted online seconds" : "ReLUs" },
    });
    const width = (p.x1 - p.x0) / Math.max(1, layers.length);
    layers.forEach((l, i) => {
      const top = p.sy(l[key]);
      titled(svg("rect", { x: p.x0 + i * width + width * 0.1, y: top, width: width * 0.8, height: p.y0 - top, fill: l.relus > 0 ? "#d62728" : "#1f77b4" }, root),
             `${l.name} (${l.op}): ${count(l.relus)} ReLUs, ${short(l.linear_macs)} MACs` + (pi ? `, online ${seconds(l.online_s)}, ${bytes(l.online_bytes)}` : ""));
    });
    const cols = [["name", "layer", String, "text"], ["op", "op", String, "text"], ["relus", "ReLUs", count], ["truncations", "truncations", count],
                  ["linear_macs", "MACs", short]];
    if (pi) cols.push(["offline_bytes", "offline", bytes], ["online_bytes", "online", bytes], ["online_s", "online s", seconds]);
    for (const [, label, , cls] of cols) html("th", { class: cls || "" }, head, label);
    for (const l of layers) {
      const tr = html("tr", {}, body);
      for (const [k, , format, cls] of cols) html("td", { class: cls || "" }, tr, format(l[k]));
    }
    root.setAttribute("data-layers", layers.length);
  }
  function showDetail() {
    const trial = state.selected;
    if (trial === null) return drawLayers(null);
    if (inlined) return drawLayers(inlined.details[trial] || { trial, unavailable: "no network to break down" });
    if (state.details[trial]) return drawLayers(state.details[trial]);
    drawLayers(null);
    fetch(`api/trial/${trial}`).then((r) => r.json()).then((detail) => {
      state.details[trial] = detail.error ? { trial, unavailable: detail.error } : detail;
      if (state.selected === trial) drawLayers(state.details[trial]);
    }).catch((error) => drawLayers({ trial, unavailable: String(error) }));
  }
  function select(trial, byUser) {
    state.selected = trial;
    if (byUser) state.userSelected = true;
    drawFront(); drawCurves(); drawTable(); showDetail();
  }

  // ---- the whole page ----
  function render(data) {
    state.data = data;
    const e = data.experiment;
    document.title = `pinas: ${e.name}`;
    document.getElementById("title").textContent = `${e.name}`;
    const trained = data.trials.filter((t) => t.status !== "over_budget" && t.status !== "invalid").length;
    const complete = data.trials.filter((t) => t.status === "complete");
    const best = complete.filter((t) => t.val_accuracy !== null).sort((a, b) => b.val_accuracy - a.val_accuracy)[0];
    const budget = e.metric === "PI_LATENCY" ? `${seconds(e.min_cost)} – ${seconds(e.max_cost)} predicted online` : `${count(e.min_cost)} – ${count(e.max_cost)} ReLUs`;
    const elapsed = (e.finished_at || e.generated_at) - (e.created_at || e.generated_at);
    document.getElementById("summary").textContent =
      `${e.finished ? "finished" : inlined ? "not finished when the report was written" : "running"} · ${e.space} space` +
      (e.dataset ? ` on ${e.dataset}` : "") + ` · ${e.strategy} · budget ${budget} · trained ${trained} of ${e.max_trials}` +
      ` (${complete.length} complete, ${data.trials.length} candidates looked at) · best ${best ? percent(best.val_accuracy) + " (trial " + best.trial + ")" : "–"}` +
      ` · ${duration(elapsed)} elapsed`;
    document.getElementById("progress-bar").style.width = `${Math.min(100, (100 * trained) / Math.max(1, e.max_trials))}%`;
    const xSelect = document.getElementById("front-x");
    if (e.metric === "PI_LATENCY" && xSelect.options.length === 1) {
      html("option", { value: "cost" }, xSelect, "predicted latency");
      xSelect.value = "cost";
    }
    const refSelect = document.getElementById("front-references");
    if (refSelect.options.length === 1) {
      const datasets = [...new Set(data.references.map((p) => p.dataset))].sort();
      for (const d of datasets) html("option", { value: d }, refSelect, d);
      if (datasets.includes(e.dataset)) refSelect.value = e.dataset;
    }
    if (!state.userSelected && best) state.selected = best.trial;
    const points = drawFront();
    drawProgress(); drawCurves(); drawTable(); showDetail();
    state.renders += 1;
    state.frontHistory.push(points);
    document.body.dataset.mode = inlined ? "report" : "live";
    document.body.dataset.renders = state.renders;
    document.body.dataset.frontHistory = state.frontHistory.slice(-50).join(",");
    document.getElementById("footer").textContent = (inlined ? "static report of " : "live view of ") + `${e.folder}, ` +
      `data from ${new Date(e.generated_at * 1000).toISOString().replace("T", " ").slice(0, 19)} UTC` +
      (inlined ? "" : `; refreshed every ${POLL_MS / 1000} s`) + ". Published points: ../shared/docs/methods.md (via experiments/reference_fronts/published.json).";
  }
  function poll() {
    fetch("api/snapshot", { cache: "no-store" }).then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        const error = document.getElementById("error");
        error.hidden = ok;
        if (!ok) { error.textContent = `cannot read the experiment: ${body.error}`; return; }
        render(body);
      })
      .catch((failure) => {
        const error = document.getElementById("error");
        error.hidden = false;
        error.textContent = `the dashboard server does not answer (${failure}); retrying`;
      })
      .finally(() => setTimeout(poll, POLL_MS));
  }
  for (const id of ["front-x", "front-y", "front-references"]) document.getElementById(id).addEventListener("change", drawFront);
  for (const id of ["trial-filter", "trial-status"]) document.getElementById(id).addEventListener("input", drawTable);
  if (inlined) render(inlined); else poll();
})();
