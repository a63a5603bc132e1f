// Valence and arousal on the recorded-answer reports (Plotly): over time, two lines from -1 to 1
// that break where there is no reading (a gap, never a zero), and the path the answer took on
// the valence/arousal plane, coloured by time, its start and end marked. Clicking seeks the replay.
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const player = document.getElementById("replay-video") || document.getElementById("replay-audio");
  if (typeof Plotly === "undefined") return;
  const seek = (seconds) => {
    if (!player) return;
    player.currentTime = Math.max(0, seconds);
    player.play().catch(() => {});
  };
  const config = { displayModeBar: false, responsive: true };
  const axis = (title) => ({ title: { text: title }, range: [-1.05, 1.05], zeroline: true, fixedrange: true });

  function overTime(element, points, label) {
    const times = points.map((p) => p.time);
    const line = (key, name, colour) => ({
      x: times, y: points.map((p) => p[key]), name, type: "scatter", mode: "lines", connectgaps: false,
      line: { color: colour, dash: key === "arousal" ? "dash" : "solid" },
      hovertemplate: name + ": %{y:.2f}<extra></extra>",
    });
    Plotly.newPlot(element, [line("valence", "Valence", "#2f5fd0"), line("arousal", "Arousal", "#d05f2f")], {
      height: 260, margin: { t: 20, r: 10, b: 45, l: 45 }, hovermode: "x",
      xaxis: { title: { text: "Time in the answer (s)" }, rangemode: "tozero" }, yaxis: axis(""),
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    }, config);
    element.setAttribute("role", "figure");
    element.setAttribute("aria-label", label + ": valence and arousal over time; the summary follows in words");
    if (player && window.poiseSeekOnClick) window.poiseSeekOnClick(element, seek);  // report_charts.js
  }

  function plane(element, points, label) {
    const read = points.filter((p) => p.valence !== null && p.valence !== undefined);
    if (!read.length) return;
    // Nulls break the path where a stretch had no reading.
    const path = {
      x: points.map((p) => p.valence), y: points.map((p) => p.arousal), customdata: points.map((p) => p.time),
      type: "scatter", mode: "lines+markers", connectgaps: false, showlegend: false, name: "Path",
      line: { color: "rgba(93, 101, 117, 0.35)", width: 1 },
      marker: { size: 6, color: points.map((p) => p.time), colorscale: "Viridis",
                colorbar: { title: { text: "time (s)", side: "right" }, thickness: 8, len: 0.7 } },
      hovertemplate: "%{customdata:.1f} s: valence %{x:.2f}, arousal %{y:.2f}<extra></extra>",
    };
    const end = (p, text, symbol, where) => ({
      x: [p.valence], y: [p.arousal], customdata: [p.time], type: "scatter", mode: "markers+text", name: text,
      text: [text], textposition: where, showlegend: false,
      marker: { size: 13, symbol, color: "#1a1a1a", line: { color: "#fff", width: 1 } },
      hovertemplate: text + ", %{customdata:.1f} s<extra></extra>",
    });
    const corner = (x, y, text) => ({ x, y, text, showarrow: false, font: { size: 10, color: "#5d6575" },
                                      xanchor: x < 0 ? "left" : "right", yanchor: y < 0 ? "bottom" : "top",
                                      align: x < 0 ? "left" : "right" });
    Plotly.newPlot(element, [path, end(read[0], "start", "circle-open-dot", "top center"),
                             end(read[read.length - 1], "end", "square", "bottom center")], {
      height: 340, margin: { t: 10, r: 10, b: 45, l: 45 }, hovermode: "closest",
      xaxis: axis("Valence (unpleasant → pleasant)"), yaxis: axis("Arousal (calm → activated)"),
      annotations: [corner(1, 1, "pleasant,<br>activated"), corner(-1, 1, "unpleasant,<br>activated"),
                    corner(1, -1, "pleasant,<br>calm"), corner(-1, -1, "unpleasant,<br>calm")],
    }, config);
    element.setAttribute("role", "figure");
    element.setAttribute("aria-label", label + ": the path on the valence and arousal plane; the shares of each quarter follow");
    element.on("plotly_click", (event) => {
      const time = event.points[0] && event.points[0].customdata;
      if (Number.isFinite(time)) seek(time);
    });
  }

  const labels = { face: "Your face", voice: "Your voice" };
  ["face", "voice"].forEach((channel) => {
    const points = data[channel] && data[channel].affect;
    if (!points || !points.length) return;
    const chart = document.getElementById(`affect-${channel}-chart`);
    const path = document.getElementById(`affect-${channel}-plane`);
    if (chart) overTime(chart, points, labels[channel]);
    if (path) plane(path, points, labels[channel]);
  });
})();
