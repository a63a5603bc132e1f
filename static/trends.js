// The history page's question filter, for the trend charts and the table of answers alike
// (the table is one page of answers; the charts cover them all);
// the charts show each tracked score over the user's attempts, one chart per unit.
(function () {
  const picker = document.getElementById("trend-question");
  if (!picker) return;
  const source = document.getElementById("trend-data");
  const data = source ? JSON.parse(source.textContent) : {};
  const rows = document.querySelectorAll("#answers tbody tr[data-question-id]");
  const empty = document.getElementById("trend-empty");

  function layout(chart) {
    return {
      // The legend sits above the plot (Plotly widens the margin for it), clear of the axis
      // title; the group's heading is on the page.
      height: 280, margin: { t: 20, r: 10, b: 50, l: 60 },
      xaxis: { title: { text: "Attempt (oldest first)" }, dtick: 1 },
      yaxis: { title: { text: chart.axis }, range: chart.range || undefined, rangemode: "tozero" },
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" }, showlegend: true,
    };
  }

  function traces(chart, points) {
    return chart.series.map((series) => ({
      x: points.map((p, i) => i + 1), y: points.map((p) => p.scores[series.name] ?? null),
      name: series.label, text: points.map((p) => p.when), type: "scatter", mode: "lines+markers",
      hovertemplate: "%{text}<br>" + series.label + ": %{y}" + (series.unit ? " " + series.unit : "") + "<extra></extra>",
    }));
  }

  function drawCharts(question) {
    let shown = 0;
    Object.entries(data).forEach(([modality, trend]) => {
      const points = trend.points.filter((p) => !question || String(p.question_id) === question);
      const group = document.getElementById("trend-" + modality);
      group.hidden = points.length === 0;  // before drawing: Plotly sizes a chart to what is visible
      if (group.hidden) return;
      shown += 1;
      trend.charts.forEach((chart) => {
        Plotly.react(chart.id, traces(chart, points), layout(chart), { displayModeBar: false, responsive: true });
      });
    });
    if (empty) empty.hidden = shown > 0;
  }

  function filterRows(question) {
    rows.forEach((row) => { row.hidden = Boolean(question) && row.dataset.questionId !== question; });
  }

  function apply() {
    filterRows(picker.value);
    drawCharts(picker.value);
  }
  // A page that holds every answer filters on the spot; otherwise the server filters across
  // all the pages (the form's GET), starting again from the first.
  const complete = document.getElementById("answers")?.hasAttribute("data-complete");
  picker.addEventListener("change", () => (complete ? apply() : picker.form.submit()));
  apply();
})();
