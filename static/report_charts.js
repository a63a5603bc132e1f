// Charts for the recorded-answer reports (Plotly). Clicking a point seeks the replay there.
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const player = document.getElementById("replay-video") || document.getElementById("replay-audio");
  const layout = (title) => ({
    title: { text: title, font: { size: 14 } }, height: 300, margin: { t: 40, r: 10, b: 40, l: 50 },
    xaxis: { title: "seconds" }, yaxis: { title: "probability", range: [0, 1] }, legend: { orientation: "h" },
    hovermode: "x",  // a click anywhere above a moment picks it, not only on a line
  });

  // Any click over the plotting area seeks to the time under the pointer, even where a
  // chart has no data (no face in view), which Plotly's own click event would ignore.
  function seekOnClick(element) {
    if (!player) return;
    // Capture phase: Plotly's drag layer handles (and stops) the pointer events itself.
    element.addEventListener("mousedown", (event) => {
      const area = element.querySelector(".nsewdrag");
      if (!area) return;
      const box = area.getBoundingClientRect();
      if (event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom) return;
      const seconds = element._fullLayout.xaxis.p2c(event.clientX - box.left);
      if (!Number.isFinite(seconds)) return;
      player.currentTime = Math.max(0, seconds);
      player.play().catch(() => {});
    }, true);
  }

  function stacked(elementId, times, series, title) {
    const element = document.getElementById(elementId);
    if (!element) return;
    const traces = Object.entries(series).map(([name, values]) => ({
      x: times, y: values, name: name, type: "scatter", mode: "lines", stackgroup: "one", connectgaps: false,
    }));
    Plotly.newPlot(element, traces, layout(title), { displayModeBar: false, responsive: true });
    element.dataset.traces = traces.length;
    seekOnClick(element);
  }

  if (data.face) {
    const timeline = data.face.timeline;
    const emotions = Object.keys(data.face.summary.mean_probabilities);
    const series = {};
    emotions.forEach((emotion) => {
      series[emotion] = timeline.map((point) => point.face_found ? point.probabilities[emotion] : null);
    });
    stacked("face-chart", timeline.map((point) => point.time), series, "Facial emotion over time (gaps: no face in view)");
  }
  if (data.voice) {
    const windows = data.voice.timeline.filter((w) => w.speech);
    const emotions = Object.keys(data.voice.summary.mean_probabilities);
    const series = {};
    emotions.forEach((emotion) => { series[emotion] = windows.map((w) => w.probabilities[emotion]); });
    stacked("voice-chart", windows.map((w) => (w.start + w.end) / 2), series, "Vocal emotion over time");
  }
})();
