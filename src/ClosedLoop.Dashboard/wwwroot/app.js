// ClosedLoop live dashboard: reads the server-sent telemetry stream, draws it with uPlot, and sends operator
// commands (after a confirmation dialog) to /api/control/*, which go through the loop's control contract.
"use strict";
(function () {
  const WINDOW_S = 10;
  const COLORS = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#ad1457"];
  const state = { hello: null, ticks: 0, charts: {}, data: {}, pushed: {}, dirty: false, maxPoints: 500, levers: {} };
  window.dashboard = state;

  const $ = (id) => document.getElementById(id);
  const fmt = (v, d = 3) => (v === null || v === undefined || Number.isNaN(v)) ? "–" : Number(v).toFixed(d);

  function width(el) { return Math.max(300, el.clientWidth - 4); }

  function makeChart(elId, series, scales, height = 180) {
    const el = $(elId);
    const opts = {
      width: width(el.parentElement), height,
      scales: Object.assign({ x: { time: false } }, scales || {}),
      legend: { live: false },
      axes: [{ label: "s" }].concat(axesFor(series)),
      series: [{ label: "t (s)" }].concat(series),
    };
    const data = [[]].concat(series.map(() => []));
    const chart = new uPlot(opts, data, el);
    state.charts[elId] = chart;
    state.data[elId] = data;
    return chart;
  }

  function axesFor(series) {
    const seen = [];
    const axes = [];
    for (const s of series) {
      if (seen.includes(s.scale)) continue;
      seen.push(s.scale);
      axes.push({ scale: s.scale, label: s.scale, side: axes.length === 0 ? 3 : 1, grid: { show: axes.length === 0 } });
    }
    return axes;
  }

  function push(elId, t, values) {
    state.dirty = true;
    state.pushed[elId] = (state.pushed[elId] || 0) + 1;
    const data = state.data[elId];
    data[0].push(t);
    for (let i = 0; i < values.length; i++) data[i + 1].push(values[i]);
    const cut = data[0].length - state.maxPoints;
    if (cut > 0) for (const col of data) col.splice(0, cut);
  }

  // Charts redraw at most once per animation frame, and only when new points arrived.
  function redraw() {
    if (state.dirty) {
      state.dirty = false;
      for (const id in state.charts) state.charts[id].setData(state.data[id]);
    }
    requestAnimationFrame(redraw);
  }

  function onHello(h) {
    state.hello = h;
    state.maxPoints = Math.round(WINDOW_S * h.streamRateHz);
    $("model").textContent = `${h.model} · ${fmt(h.stepRateHz, 0)} Hz loop · ${fmt(h.streamRateHz, 0)} Hz view`;
    for (const el of document.querySelectorAll("[id^=chart-]")) el.innerHTML = "";
    state.charts = {}; state.data = {};
    makeChart("chart-arousal", [
      { label: "arousal", stroke: COLORS[0], scale: "arousal", width: 2 },
      { label: "quality good", stroke: COLORS[2], scale: "fraction", dash: [4, 3] },
    ], { arousal: { range: [0, 1] }, fraction: { range: [0, 1] } });
    const rates = [], other = [];
    h.readout.forEach((r, i) => (r.unit === "Hz" ? rates : other).push({ index: i, r }));
    state.rateIdx = rates.map((x) => x.index);
    state.otherIdx = other.map((x) => x.index);
    makeChart("chart-rates", rates.map((x, k) => ({ label: `${x.r.name} (${x.r.unit})`, stroke: COLORS[k % COLORS.length], scale: "Hz" })));
    makeChart("chart-gain", other.map((x, k) => ({ label: `${x.r.name} (${x.r.unit})`, stroke: COLORS[(k + 3) % COLORS.length], scale: x.r.unit || "1" })));
    const outSeries = [];
    h.channels.forEach((c, k) => {
      const color = COLORS[k % COLORS.length];
      outSeries.push({ label: `${c.name} (${c.unit})`, stroke: color, scale: c.unit, width: 2 });
      outSeries.push({ label: `${c.name} max`, stroke: color, scale: c.unit, dash: [6, 4], width: 1 });
      outSeries.push({ label: `${c.name} min`, stroke: color, scale: c.unit, dash: [2, 4], width: 1 });
    });
    makeChart("chart-outputs", outSeries);
    // One tick per bin, labelled with its upper edge ("1", ..., "10k", ">10k"). uPlot draws no axis at all when no
    // increment leaves at least `space` px between ticks: with the default 50 px and only [1], a panel narrower than
    // 14 x 50 px lost every label; 28 px with fallbacks of 2, 7 and 14 bins keeps labels down to small panels.
    const bins = h.latenessBins.map(shortBinLabel);
    state.latenessLabels = bins;
    const el = $("chart-lateness");
    const lat = new uPlot({
      width: width(el.parentElement), height: 170, legend: { show: false },
      scales: { x: { time: false, range: [-0.5, bins.length - 0.5] }, y: { distr: 3 } },
      axes: [
        { label: "lateness, µs (bin upper edge)", space: 28, incrs: [1, 2, 7, 14], values: (u, ticks) => ticks.map((t) => bins[Math.round(t)] ?? "") },
        { label: "steps" },
      ],
      series: [{}, { label: "steps", fill: "#1565c055", stroke: "#1565c0", paths: uPlot.paths.bars({ size: [0.8, 60] }) }],
    }, [bins.map((_, i) => i), bins.map(() => null)], el);
    state.latency = lat;
    buildLeverTable(h.levers);
  }

  // "≤10000" -> "10k", ">10000" -> ">10k", "≤5" -> "5".
  function shortBinLabel(label) {
    const more = label.startsWith(">");
    const n = Number(label.replace(/^[≤>]/, ""));
    const text = n >= 1000 ? `${n / 1000}k` : String(n);
    return more ? ">" + text : text;
  }

  // The x-axis labels uPlot drew last on the lateness histogram (read by the browser test).
  state.latenessAxisValues = () => (state.latency && state.latency.axes[0]._values) || [];

  function buildLeverTable(levers) {
    const t = $("levers");
    t.innerHTML = "<tr><th>lever</th><th>in effect</th><th>unit</th><th>override</th></tr>";
    for (const l of levers) {
      const tr = document.createElement("tr");
      tr.innerHTML = `<td title="${l.description}">${l.name}</td><td class="num" id="lever-${l.name}">–</td><td>${l.unit}</td>` +
        `<td><input class="lever" type="number" step="any" min="${l.min}" max="${l.max}" data-lever="${l.name}" placeholder="(keep)"></td>`;
      t.appendChild(tr);
    }
  }

  function onTick(m) {
    state.ticks++;
    $("ticks").textContent = state.ticks;
    $("step").textContent = m.step;
    $("quality-flags").textContent = m.qualityFlags;
    setSafety(m.safety);
    push("chart-arousal", m.t, [m.arousal, m.qualityGood]);
    push("chart-rates", m.t, state.rateIdx.map((i) => m.readout[i]));
    push("chart-gain", m.t, state.otherIdx.map((i) => m.readout[i]));
    if (m.outputs) {
      const vals = [];
      state.hello.channels.forEach((c, i) => { vals.push(m.outputs[i], c.max, c.min); });
      push("chart-outputs", m.t, vals);
    }
  }

  function setSafety(s) {
    const b = $("safety");
    b.textContent = s; b.className = "badge " + s;
  }

  function onSlow(m) {
    $("state").textContent = m.state;
    $("safety-state").textContent = m.safety;
    $("estop-reason").textContent = m.eStopReason ? `(${m.eStopReason})` : "";
    $("overruns").textContent = m.overruns;
    $("frames-lost").textContent = m.framesLost;
    $("override-flag").textContent = m.leversOverridden ? "(operator override)" : "(from arousal)";
    for (const name in m.levers) {
      const cell = $("lever-" + name);
      if (cell) cell.textContent = fmt(m.levers[name], 4);
    }
    state.levers = m.levers;
    const counts = m.lateness.counts;
    state.latency.setData([counts.map((_, i) => i), counts.map((c) => (c > 0 ? c : null))]);
    $("ingest-samples").textContent = m.ingest.samples;
    $("ingest-noest").textContent = m.ingest.withoutEstimate;
    $("ingest-errors").innerHTML = "<tr><th>error</th><th>count</th><th>last</th></tr>" +
      m.ingest.errors.map((e) => `<tr><td>${e.kind}</td><td class="num">${e.count}</td><td>${escapeHtml(e.last)}</td></tr>`).join("");
    const iv = m.interventions;
    $("last-intervention").textContent = iv.last
      ? `${iv.last.reason} at step ${iv.last.step}` + (iv.last.channel >= 0 ? ` on channel ${iv.last.channel} (asked ${fmt(iv.last.requested)}, let out ${fmt(iv.last.applied)})` : " (whole frame)")
      : "none";
    $("intervention-counts").innerHTML = "<tr><th>reason</th><th>count</th></tr>" +
      Object.entries(iv.byReason).map(([k, v]) => `<tr><td>${k}</td><td class="num" id="iv-${k}">${v}</td></tr>`).join("");
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function connect() {
    const es = new EventSource("/api/stream");
    es.onopen = () => { const c = $("conn"); c.textContent = "live"; c.className = "badge on"; };
    es.onerror = () => { const c = $("conn"); c.textContent = "reconnecting"; c.className = "badge off"; };
    es.onmessage = (ev) => {
      const m = JSON.parse(ev.data);
      if (m.type === "hello") onHello(m);
      else if (m.type === "tick" && state.hello) onTick(m);
      else if (m.type === "slow" && state.hello) onSlow(m);
    };
  }

  // Every command asks first; only "Confirm" sends it (with the header the server requires).
  function setupControls() {
    const dialog = $("confirm");
    let pending = null;
    for (const b of document.querySelectorAll("#controls button")) {
      b.addEventListener("click", () => {
        pending = b.dataset.command;
        let text = b.dataset.label;
        if (pending === "levers") {
          const changed = leverEdits();
          if (Object.keys(changed).length === 0) { $("control-result").textContent = "type a value in the override column first"; return; }
          text += ": " + Object.entries(changed).map(([k, v]) => `${k} = ${v}`).join(", ");
        }
        $("confirm-text").textContent = text + "?";
        dialog.showModal();
      });
    }
    dialog.addEventListener("close", async () => {
      if (dialog.returnValue !== "ok" || !pending) { pending = null; return; }
      const command = pending; pending = null;
      const body = command === "levers" ? { levers: leverEdits() } : command === "estop" ? { reason: "operator pressed E-STOP" } : {};
      try {
        const r = await fetch("/api/control/" + command, {
          method: "POST", headers: { "Content-Type": "application/json", "X-ClosedLoop-Confirm": "yes" }, body: JSON.stringify(body),
        });
        const j = await r.json().catch(() => ({ error: `HTTP ${r.status}` }));
        $("control-result").textContent = r.ok ? `${command}: ${j.state}, ${j.safety}` : `${command} refused: ${j.error}`;
        if (r.ok) setSafety(j.safety);
      } catch (e) {
        $("control-result").textContent = `${command} failed: ${e}`;
      }
    });
  }

  function leverEdits() {
    const out = {};
    for (const input of document.querySelectorAll("input.lever")) {
      if (input.value !== "") out[input.dataset.lever] = Number(input.value);
    }
    return out;
  }

  window.addEventListener("resize", () => {
    for (const id in state.charts) { const el = $(id); state.charts[id].setSize({ width: width(el.parentElement), height: state.charts[id].height }); }
    if (state.latency) state.latency.setSize({ width: width($("chart-lateness").parentElement), height: state.latency.height });
  });
  setupControls();
  connect();
  requestAnimationFrame(redraw);
})();
