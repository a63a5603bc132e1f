// Trend charts on the history page: each tracked score over the user's attempts, per modality,
// for all questions or one.
(function () {
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  const picker = document.getElementById("trend-question");
  const titles = { text: "Written answers (Big Five, 0-100)", video: "Video answers", audio: "Audio answers" };

  function draw() {
    const question = picker.value;
    Object.entries(data).forEach(([modality, points]) => {
      const chosen = points.filter((p) => !question || String(p.question_id) === question);
      const names = [...new Set(chosen.flatMap((p) => Object.keys(p.scores)))];
      const traces = names.map((name) => ({
        x: chosen.map((p, i) => i + 1), y: chosen.map((p) => p.scores[name] ?? null), name: name,
        text: chosen.map((p) => p.when), type: "scatter", mode: "lines+markers",
      }));
      Plotly.react("trend-" + modality, traces, {
        title: { text: titles[modality], font: { size: 14 } }, height: 280,
        margin: { t: 40, r: 10, b: 40, l: 50 }, xaxis: { title: "attempt", dtick: 1 }, legend: { orientation: "h" },
      }, { displayModeBar: false, responsive: true });
    });
  }
  picker.addEventListener("change", draw);
  draw();
})();
