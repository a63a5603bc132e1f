// Charts for the recorded-answer reports (Plotly). Clicking a point seeks the replay there.
//
// Each emotion is its own line, in percent. Where there is no reading (no face in view, or a
// silent stretch of the voice) the lines break and the stretch is shaded: a gap, never a zero.
// Stacked areas are not used because Plotly stacks a missing value as 0.
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const player = document.getElementById("replay-video") || document.getElementById("replay-audio");
  const GAP_COLOUR = "rgba(93, 101, 117, 0.15)";
  const plain = (name) => name.charAt(0).toUpperCase() + name.slice(1);
  const percent = (probability) => (probability == null ? null : Math.round(probability * 1000) / 10);

  const layout = (gaps) => ({
    // The legend sits above the plot (Plotly widens the margin for it), clear of the axis
    // title; the section's heading and caption say what the chart is.
    height: 320, margin: { t: 20, r: 10, b: 50, l: 55 },
    xaxis: { title: { text: "Time in the answer (s)" }, rangemode: "tozero" },
    yaxis: { title: { text: "Probability (%)" }, range: [0, 100] },
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    hovermode: "x",  // a click anywhere above a moment picks it, not only on a line
    shapes: gaps.map(([from, to]) => ({
      type: "rect", xref: "x", yref: "paper", x0: from, x1: to, y0: 0, y1: 1,
      fillcolor: GAP_COLOUR, line: { width: 0 }, layer: "below",
    })),
  });

  // Any click over the plotting area seeks to the time under the pointer, even where a
  // chart has no data (no face in view), which Plotly's own click event would ignore.
  // Shared with transcript.js (the pace chart) as window.poiseSeekOnClick.
  function seekOnClick(element, seek = (seconds) => {
    player.currentTime = Math.max(0, seconds);
    player.play().catch(() => {});
  }) {
    if (!player) return;
    // Capture phase: Plotly's drag layer handles (and stops) the pointer events itself.
    element.addEventListener("mousedown", (event) => {
      const area = element.querySelector(".nsewdrag");
      if (!area) return;
      const box = area.getBoundingClientRect();
      if (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom) return;
      const seconds = element._fullLayout.xaxis.p2c(event.clientX - box.left);
      if (Number.isFinite(seconds)) seek(seconds);
    }, true);
  }
  window.poiseSeekOnClick = seekOnClick;

  // The [start, end) stretches in seconds where `missing(i)` holds, from per-point spans.
  function stretches(count, missing, span) {
    const found = [];
    for (let i = 0; i < count; i += 1) {
      if (!missing(i)) continue;
      const [from, to] = span(i);
      const last = found[found.length - 1];
      if (last && last[1] >= from) last[1] = to; else found.push([from, to]);
    }
    return found;
  }

  function lines(elementId, times, series, label, gaps) {
    const element = document.getElementById(elementId);
    if (!element) return;
    const traces = Object.entries(series).map(([name, values]) => ({
      x: times, y: values, name: plain(name), type: "scatter", mode: "lines+markers", marker: { size: 3 },
      connectgaps: false, hovertemplate: plain(name) + ": %{y:.0f}%<extra></extra>",
    }));
    Plotly.newPlot(element, traces, layout(gaps), { displayModeBar: false, responsive: true });
    element.setAttribute("role", "figure");
    element.setAttribute("aria-label", label);
    element.dataset.traces = traces.length;
    element.dataset.gaps = gaps.length;
    seekOnClick(element);
  }

  if (data.face) {
    const timeline = data.face.timeline;
    const step = timeline.length > 1 ? timeline[1].time - timeline[0].time : 0.5;
    const series = {};
    Object.keys(data.face.summary.mean_probabilities).forEach((emotion) => {
      series[emotion] = timeline.map((point) => (point.face_found ? percent(point.probabilities[emotion]) : null));
    });
    const gaps = stretches(timeline.length, (i) => !timeline[i].face_found,
                           (i) => [timeline[i].time - step / 2, timeline[i].time + step / 2]);
    lines("face-chart", timeline.map((point) => point.time), series,
          "Facial emotion over time", gaps);
  }
  if (data.voice) {
    const windows = data.voice.timeline;
    const series = {};
    Object.keys(data.voice.summary.mean_probabilities).forEach((emotion) => {
      series[emotion] = windows.map((w) => (w.speech ? percent(w.probabilities[emotion]) : null));
    });
    const gaps = stretches(windows.length, (i) => !windows[i].speech, (i) => [windows[i].start, windows[i].end]);
    lines("voice-chart", windows.map((w) => (w.start + w.end) / 2), series,
          "Vocal emotion over time", gaps);
  }
})();
