// The video report's "On camera" section: a strip of where the candidate looked over the answer
// (Plotly; look-away stretches shaded), and buttons that seek the replay to each look-away.
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const player = document.getElementById("replay-video");
  const seek = (seconds) => {
    if (!player) return;
    player.currentTime = Math.max(0, seconds);
    player.play().catch(() => {});
  };
  document.querySelectorAll("#camera button[data-seek]").forEach((button) => {
    button.addEventListener("click", () => seek(parseFloat(button.dataset.seek)));
  });

  const element = document.getElementById("camera-chart");
  if (!element || !data.camera || typeof Plotly === "undefined") return;
  const read = data.camera.timeline.filter((moment) => moment.looking_at_camera !== null);
  const trace = {
    x: read.map((moment) => moment.time), y: read.map((moment) => (moment.looking_at_camera ? 1 : 0)),
    type: "scatter", mode: "lines", line: { shape: "hv", color: "#2f5fd0" }, name: "Looking at the camera",
    hovertemplate: "%{x:.1f} s: %{text}<extra></extra>",
    text: read.map((moment) => (moment.looking_at_camera ? "at the camera" : "away")),
  };
  const layout = {
    height: 160, margin: { t: 10, r: 10, b: 45, l: 80 }, showlegend: false, hovermode: "x",
    xaxis: { title: { text: "Time in the answer (s)" }, rangemode: "tozero" },
    yaxis: { range: [-0.2, 1.2], tickvals: [0, 1], ticktext: ["away", "camera"], fixedrange: true },
    shapes: data.camera.gaze.look_aways.map((stretch) => ({
      type: "rect", xref: "x", yref: "paper", x0: stretch.start, x1: stretch.end, y0: 0, y1: 1,
      fillcolor: "rgba(208, 95, 47, 0.18)", line: { width: 0 }, layer: "below",
    })),
  };
  Plotly.newPlot(element, [trace], layout, { displayModeBar: false, responsive: true });
  element.setAttribute("role", "figure");
  element.setAttribute("aria-label", "Where you looked over the answer; shaded stretches are look-aways, listed below");
  if (player && window.poiseSeekOnClick) window.poiseSeekOnClick(element, seek);  // report_charts.js
})();
