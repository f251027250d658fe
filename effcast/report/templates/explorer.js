// effcast explore: the form sends its edits, the server samples, this draws.
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  const form = document.getElementById("prior-form");
  const COLOURS = { hardware: "#1f5fa8", compute: "#c0392b" };
  const LABELS = { hardware: "Hardware (GPU-hours)", compute: "Compute (FLOP)" };
  let seq = 0, timer = null, updates = 0, sent = null;

  function inputs() {
    return Array.from(form.elements).filter((e) => e.name);
  }
  function valueOf(e) {
    return e.type === "checkbox" ? (e.checked ? "true" : "false") : e.value.trim();
  }
  function state() {
    const edits = {}, view = {}, params = new URLSearchParams();
    for (const e of inputs()) {
      const v = valueOf(e);
      const changed = v !== e.dataset.default;
      e.classList.toggle("changed", changed);
      if (!changed || e.disabled) continue;
      (e.name.startsWith("view.") ? view : edits)[e.name] = v;
      params.append(e.name, v);
    }
    return { edits, view, query: params.toString() };
  }
  function setValue(name, value) {
    const e = form.elements.namedItem(name);
    if (!e || !e.name) return;
    if (e.type === "checkbox") e.checked = value === "true";
    else e.value = value;
  }
  function showErrors(errors) {
    for (const box of document.querySelectorAll(".error[data-for]")) {
      const msg = errors[box.dataset.for] || "";
      box.textContent = msg ? "effcast: error: " + msg : "";
    }
    for (const e of inputs()) e.classList.toggle("invalid", !!errors[e.name]);
  }
  function links(query) {
    const q = query ? "?" + query : "";
    document.getElementById("share-link").href = location.pathname + q;
    document.getElementById("download-toml").href = "download/prior.toml" + q;
    document.getElementById("download-report").href = "download/report.html" + q;
    history.replaceState(null, "", location.pathname + q);
  }

  async function update() {
    const s = state();
    if (s.query === sent) return; // nothing changed since the last request
    sent = s.query;
    links(s.query);
    const mine = ++seq;
    const t0 = performance.now();
    document.body.dataset.pending = "1";
    document.body.classList.add("busy");
    let out;
    try {
      const r = await fetch("api/run", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ edits: s.edits, view: s.view }),
      });
      out = await r.json();
    } catch (err) {
      out = { ok: false, errors: { "": "the explorer's server did not answer (" + err + ")" } };
    }
    if (mine !== seq) return; // a newer change is on its way
    showErrors(out.errors || {});
    const status = document.getElementById("status");
    if (out.ok) {
      document.getElementById("headline").innerHTML = out.headline_html;
      drawDist(document.getElementById("chart-dist"), out.hist);
      drawFan(document.getElementById("chart-fan"), out.fan);
      drawCrossing(document.getElementById("chart-crossing"), out.crossing);
      document.getElementById("crossing-table").innerHTML = out.crossing_html || "";
      const ms = performance.now() - t0;
      status.textContent = out.n.toLocaleString("en-US") + " samples, seed " + out.seed +
        ": computed in " + Math.round(out.elapsed_ms) + " ms, shown " + Math.round(ms) + " ms after the change.";
      document.body.dataset.lastMs = ms.toFixed(1);
    } else {
      status.textContent = "Invalid input: the figures still show the last valid settings.";
    }
    updates += 1;
    document.body.dataset.updates = String(updates);
    document.body.dataset.ok = out.ok ? "1" : "0";
    document.body.dataset.pending = "0";
    document.body.classList.remove("busy");
    for (const fs of form.querySelectorAll("fieldset")) {
      const sw = fs.querySelector('input[type=checkbox][name$=".enabled"]');
      fs.classList.toggle("off", !!sw && !sw.checked);
    }
  }
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(update, delay);
  }
  form.addEventListener("input", (ev) => schedule(ev.target.type === "checkbox" ? 0 : 150));
  form.addEventListener("change", () => schedule(0));
  document.getElementById("reset").addEventListener("click", () => {
    for (const e of inputs()) setValue(e.name, e.dataset.default);
    schedule(0);
  });

  // -- drawing ---------------------------------------------------------
  function el(tag, attrs, parent, text) {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function clear(svg) { while (svg.firstChild) svg.removeChild(svg.firstChild); }
  function fmtMult(log10v) {
    const v = Math.pow(10, log10v);
    if (v >= 1e5) return "1e" + Math.round(log10v) + "x";
    return Number(v.toPrecision(3)).toLocaleString("en-US") + "x";
  }
  function scale(d0, d1, r0, r1) {
    const k = (r1 - r0) / ((d1 - d0) || 1);
    return (v) => r0 + (v - d0) * k;
  }
  function decades(lo, hi) {
    const out = [];
    const step = Math.max(1, Math.ceil((hi - lo) / 8));
    for (let v = Math.ceil(lo); v <= hi + 1e-9; v += step) out.push(v);
    return out;
  }
  function axes(g, box, x, y, xt, yt, xfmt, yfmt) {
    for (const v of yt) {
      el("line", { x1: box.l, x2: box.r, y1: y(v), y2: y(v), class: "grid" }, g);
      el("text", { x: box.l - 4, y: y(v) + 4, "text-anchor": "end" }, g, yfmt(v));
    }
    for (const v of xt) {
      el("line", { x1: x(v), x2: x(v), y1: box.t, y2: box.b, class: "grid" }, g);
      el("text", { x: x(v), y: box.b + 14, "text-anchor": "middle" }, g, xfmt(v));
    }
    el("rect", { x: box.l, y: box.t, width: box.r - box.l, height: box.b - box.t, fill: "none", stroke: "#444" }, g);
  }
  function legend(g, x, y, items) {
    items.forEach((it, i) => {
      el("rect", { x: x, y: y + i * 15 - 8, width: 12, height: 9, fill: it.colour, opacity: it.opacity || 0.8 }, g);
      el("text", { x: x + 16, y: y + i * 15 }, g, it.label);
    });
  }

  function drawDist(svg, h) {
    clear(svg);
    const box = { l: 48, r: 618, t: 12, b: 250 };
    const e = h.edges, n = e.length - 1;
    const ymax = Math.max(...h.hardware, ...h.compute) * 1.08 || 1;
    const x = scale(e[0], e[n], box.l, box.r), y = scale(0, ymax, box.b, box.t);
    const yt = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3].filter((v) => v <= ymax);
    axes(svg, box, x, y, decades(e[0], e[n]), yt, fmtMult, (v) => v.toFixed(2));
    for (const which of ["compute", "hardware"]) {
      let d = "M" + x(e[0]) + "," + y(0);
      for (let i = 0; i < n; i++) d += "L" + x(e[i]) + "," + y(h[which][i]) + "L" + x(e[i + 1]) + "," + y(h[which][i]);
      d += "L" + x(e[n]) + "," + y(0) + "Z";
      el("path", { d: d, fill: COLOURS[which], "fill-opacity": 0.22, stroke: COLOURS[which], "stroke-width": 1.4 }, svg);
      const m = h[which + "_median"];
      el("line", { x1: x(m), x2: x(m), y1: box.t, y2: box.b, stroke: COLOURS[which], "stroke-dasharray": "4 3" }, svg);
    }
    legend(svg, box.l + 10, box.t + 16, ["hardware", "compute"].map((w) => ({
      colour: COLOURS[w], label: LABELS[w] + ": median " + fmtMult(h[w + "_median"]) })));
    el("text", { x: (box.l + box.r) / 2, y: 276, "text-anchor": "middle" }, svg, "reduction: times less needed than at the period start (log scale); density per order of magnitude");
  }

  function drawFan(svg, f) {
    clear(svg);
    const ys = f.years, top = Math.max(...f.hardware.map((r) => r[6]), ...f.compute.map((r) => r[6]), 1);
    ["hardware", "compute"].forEach((which, k) => {
      const box = { l: 52 + k * 322, r: 298 + k * 322, t: 22, b: 250 };
      const x = scale(ys[0], ys[ys.length - 1], box.l, box.r), y = scale(0, top * 1.05, box.b, box.t);
      const g = el("g", {}, svg);
      const xt = [];
      const stepYears = Math.max(1, Math.ceil((ys[ys.length - 1] - ys[0]) / 5));
      for (let v = Math.ceil(ys[0]); v <= ys[ys.length - 1]; v += stepYears) xt.push(v);
      axes(g, box, x, y, xt, decades(0, top), (v) => String(v), fmtMult);
      const bands = [[0, 6, 0.18], [1, 5, 0.3], [2, 4, 0.48]];
      for (const [lo, hi, op] of bands) {
        let d = "";
        ys.forEach((t, i) => { d += (i ? "L" : "M") + x(t) + "," + y(f[which][i][hi]); });
        for (let i = ys.length - 1; i >= 0; i--) d += "L" + x(ys[i]) + "," + y(f[which][i][lo]);
        el("path", { d: d + "Z", fill: COLOURS[which], "fill-opacity": op, stroke: "none" }, g);
      }
      el("polyline", { points: ys.map((t, i) => x(t) + "," + y(f[which][i][3])).join(" "), fill: "none", stroke: COLOURS[which], "stroke-width": 2 }, g);
      el("line", { x1: x(f.end), x2: x(f.end), y1: box.t, y2: box.b, stroke: "#555", "stroke-dasharray": "3 3" }, g);
      el("text", { x: (box.l + box.r) / 2, y: 14, "text-anchor": "middle", "font-weight": 600 }, g, LABELS[which] + ": median, 50/80/90%");
      const last = f[which][ys.length - 1][3];
      el("text", { x: box.r - 4, y: y(last) - 6, "text-anchor": "end" }, g, fmtMult(last));
    });
    el("text", { x: 330, y: 276, "text-anchor": "middle" }, svg, "year; dashed line: the period end, after which the forward view applies");
  }

  function drawCrossing(svg, c) {
    clear(svg);
    if (!c) {
      el("text", { x: 320, y: 130, "text-anchor": "middle" }, svg, "Give a threshold (FLOP) to see when a model of the reference's capability fits under it.");
      return;
    }
    const box = { l: 48, r: 618, t: 12, b: 226 };
    const ys = c.years, x = scale(ys[0], ys[ys.length - 1], box.l, box.r), y = scale(0, 1, box.b, box.t);
    const xt = [];
    const stepYears = Math.max(1, Math.ceil((ys[ys.length - 1] - ys[0]) / 8));
    for (let v = Math.ceil(ys[0]); v <= ys[ys.length - 1]; v += stepYears) xt.push(v);
    axes(svg, box, x, y, xt, [0, 0.25, 0.5, 0.75, 1], String, (v) => Math.round(v * 100) + "%");
    const palette = ["#c0392b", "#8e44ad", "#d35400", "#16a085", "#2c3e50", "#7f8c8d"];
    c.rows.forEach((row, i) => {
      const colour = palette[i % palette.length];
      el("polyline", { points: ys.map((t, j) => x(t) + "," + y(row.probs[j])).join(" "), fill: "none", stroke: colour, "stroke-width": 2 }, svg);
      if (row.median !== null && row.median <= ys[ys.length - 1]) {
        el("circle", { cx: x(row.median), cy: y(0.5), r: 4, fill: colour }, svg);
      }
    });
    legend(svg, box.l + 10, box.t + 16, c.rows.map((row, i) => ({ colour: palette[i % palette.length],
      label: c.reference + " " + row.label + (row.median === null ? ": not by the last year" : ": median " + row.median.toFixed(1)) })));
    el("text", { x: (box.l + box.r) / 2, y: 252, "text-anchor": "middle" }, svg, "P(a model of the reference's capability can be trained under the limit by year)");
  }

  // -- start: the link's edits, else the command line's ------------------
  const params = new URLSearchParams(location.search);
  if ([...params.keys()].length) {
    for (const [k, v] of params) setValue(k, v);
  } else {
    for (const k in INITIAL) setValue(k, INITIAL[k]);
  }
  update();
})();
