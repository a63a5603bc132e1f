// The words of a recorded answer (templates/answers/_words.html): each word of the transcript
// plays the replay from there, the word being played is highlighted, the STAR parts' times seek,
// and the pace chart (Plotly) seeks where it is clicked.
(function () {
  const transcript = document.getElementById("transcript");
  if (!transcript) return;
  const player = document.getElementById("replay-video") || document.getElementById("replay-audio");
  const seekable = Boolean(player) && transcript.dataset.seekable === "true";
  const words = [...transcript.querySelectorAll(".word[data-start]")];
  const starts = words.map((word) => parseFloat(word.dataset.start));
  const ends = words.map((word) => parseFloat(word.dataset.end));
  // A word stays highlighted this long after it ends, so that the gaps between words do not flicker.
  const LINGER_SECONDS = 0.4;

  function seek(seconds) {
    player.currentTime = Math.max(0, seconds);
    player.play().catch(() => {});  // refused autoplay still leaves the player at that moment
  }

  // The index of the word being said at `seconds`, or -1 (before the first word, or in a pause).
  function wordAt(seconds) {
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] <= seconds) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found >= 0 && seconds < ends[found] + LINGER_SECONDS ? found : -1;
  }

  // Scroll the transcript's own box, never the page, so that the current word stays in view.
  function keepInView(word) {
    const box = transcript.getBoundingClientRect();
    const place = word.getBoundingClientRect();
    if (place.top >= box.top && place.bottom <= box.bottom) return;
    transcript.scrollTop += place.top - box.top - transcript.clientHeight / 3;
  }

  let current = -1;
  function highlight() {
    const index = wordAt(player.currentTime);
    if (index === current) return;
    if (current >= 0) {
      words[current].classList.remove("current");
      words[current].removeAttribute("aria-current");
    }
    current = index;
    if (index < 0) return;
    words[index].classList.add("current");
    words[index].setAttribute("aria-current", "true");
    keepInView(words[index]);
  }

  // The transcript is one Tab stop: the word last used or moved to.
  function rove(to) {
    words.forEach((word, i) => { word.tabIndex = i === to ? 0 : -1; });
  }

  // Arrow keys move between the words.
  function moveFocus(event) {
    const at = words.indexOf(event.target);
    if (at < 0) return;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
                 Home: 0, End: words.length - 1 }[event.key];
    if (to === undefined || to < 0 || to >= words.length) return;
    event.preventDefault();
    rove(to);
    words[to].focus();
  }

  if (seekable) {
    transcript.addEventListener("click", (event) => {
      const word = event.target.closest(".word[data-start]");
      if (!word) return;
      rove(words.indexOf(word));
      seek(parseFloat(word.dataset.start));
    });
    transcript.addEventListener("keydown", moveFocus);
    ["timeupdate", "seeked", "play"].forEach((name) => player.addEventListener(name, highlight));
    // timeupdate comes about four times a second; follow each frame while playing.
    const follow = () => { highlight(); if (!player.paused) requestAnimationFrame(follow); };
    player.addEventListener("playing", () => requestAnimationFrame(follow));
    document.querySelectorAll("#words button[data-seek]").forEach((button) => {
      button.addEventListener("click", () => seek(parseFloat(button.dataset.seek)));
    });
  }

  function paceChart() {
    const element = document.getElementById("pace-chart");
    const data = JSON.parse(document.getElementById("report-data").textContent);
    if (!element || !data.words || typeof Plotly === "undefined") return;
    const pace = data.words.measures.pace;
    const from = parseFloat(element.dataset.typicalFrom);
    const to = parseFloat(element.dataset.typicalTo);
    // A line, not bars, so that the typical band behind it stays in sight.
    const trace = {
      x: pace.map((w) => (w.start + w.end) / 2), y: pace.map((w) => w.words_per_minute),
      type: "scatter", mode: "lines+markers", name: "Your pace", marker: { size: 7, color: "#2f5fd0" },
      hovertemplate: "%{y:.0f} words/min<extra></extra>",
    };
    const highest = Math.max(to, ...trace.y);
    const layout = {
      height: 280, margin: { t: 20, r: 10, b: 50, l: 55 }, showlegend: false,
      xaxis: { title: { text: "Time in the answer (s)" }, range: [0, Math.max(...pace.map((w) => w.end))] },
      yaxis: { title: { text: "Words per minute" }, range: [0, highest * 1.2] },
      hovermode: "x",
      shapes: [{ type: "rect", xref: "paper", yref: "y", x0: 0, x1: 1, y0: from, y1: to,
                 fillcolor: "rgba(31, 122, 77, 0.15)", line: { width: 0 }, layer: "below" }],
      annotations: [{ xref: "paper", yref: "y", x: 0, y: from, xanchor: "left", yanchor: "top",
                      text: "typical " + from + "-" + to, showarrow: false, font: { size: 11, color: "#1f7a4d" } }],
    };
    Plotly.newPlot(element, [trace], layout, { displayModeBar: false, responsive: true });
    element.setAttribute("role", "figure");
    element.setAttribute("aria-label", "Pace over the answer, in words per minute; the same figures are in the table below");
    if (seekable && window.poiseSeekOnClick) window.poiseSeekOnClick(element, seek);  // report_charts.js
  }

  paceChart();
})();
