// Feedback on a recorded answer's report (see templates/answers/_feedback.html):
// - each comment's time plays the replay from there;
// - comments with a moment are marked on the charts and shown under the replay while it
//   passes their moment (#comment-caption);
// - the instructor's "Comment at m:ss" button (and a click on a chart) sets the comment's moment.
(function () {
  const data = JSON.parse(document.getElementById("feedback-data").textContent);
  const player = document.getElementById("replay-video") || document.getElementById("replay-audio");
  const CHART_IDS = ["face-chart", "voice-chart"];
  const SHOWN_BEFORE = 1;  // seconds a comment shows before its moment...
  const SHOWN_AFTER = 3;   // ...and after it: about 4 s, long enough to read a line
  const MARKER_COLOUR = "#b3261e";
  const timed = data.comments;

  const clock = (seconds) => {
    const whole = Math.max(0, Math.floor(seconds));
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  };

  function seek(seconds) {
    if (!player) return;
    player.currentTime = seconds;
    player.play().catch(() => {});
  }

  document.querySelectorAll("#comment-list [data-seek]").forEach((button) => {
    button.addEventListener("click", () => seek(Number(button.dataset.seek)));
  });

  function markCharts() {
    CHART_IDS.forEach((id) => {
      const chart = document.getElementById(id);
      if (!chart || !chart.layout || !window.Plotly || !timed.length) return;
      const lines = timed.map((comment) => ({
        type: "line", xref: "x", yref: "paper", x0: comment.at, x1: comment.at, y0: 0, y1: 1,
        line: { color: MARKER_COLOUR, width: 1.5, dash: "dot" },
      }));
      const labels = timed.map((comment, index) => ({
        x: comment.at, xref: "x", y: 1, yref: "paper", yanchor: "top", showarrow: false,
        text: "💬" + (index + 1), hovertext: comment.body.slice(0, 200), font: { color: MARKER_COLOUR },
      }));
      Plotly.relayout(chart, {
        shapes: (chart.layout.shapes || []).concat(lines),
        annotations: (chart.layout.annotations || []).concat(labels),
      });
      chart.dataset.commentMarkers = timed.length;
    });
  }

  function captionUnderPlayer() {
    const caption = document.createElement("div");
    caption.id = "comment-caption";
    caption.className = "comment-caption";
    caption.setAttribute("aria-live", "polite");
    caption.hidden = true;
    player.insertAdjacentElement("afterend", caption);
    let shown = "";
    const update = () => {
      const now = player.currentTime;
      const current = timed.filter((c) => now >= c.at - SHOWN_BEFORE && now <= c.at + SHOWN_AFTER);
      const key = current.map((c) => c.id).join(",");
      if (key === shown) return;
      shown = key;
      caption.replaceChildren(...current.map((comment) => {
        const line = document.createElement("p");
        line.dataset.commentId = comment.id;
        const time = document.createElement("strong");
        time.textContent = clock(comment.at) + " ";
        line.append(time, comment.body);
        return line;
      }));
      caption.hidden = current.length === 0;
      document.querySelectorAll("#comment-list li.comment").forEach((item) => {
        item.classList.toggle("playing", current.some((c) => "comment-" + c.id === item.id));
      });
    };
    ["timeupdate", "seeked"].forEach((name) => player.addEventListener(name, update));
  }

  function momentPicker() {
    const picker = document.getElementById("moment-picker");
    const field = document.getElementById("comment-at_seconds");
    if (!picker || !field) return;
    const now = document.getElementById("comment-at-now");
    const label = document.getElementById("comment-moment");
    const body = document.getElementById("comment-body");
    const describe = () => {
      const moment = field.value === "" ? null : Number(field.value);
      label.textContent = moment === null || !Number.isFinite(moment) ? "About the whole answer" : "At " + clock(moment);
    };
    const pick = (seconds) => {
      const limit = data.latest_moment;
      const moment = limit ? Math.min(seconds, limit) : seconds;
      field.value = (Math.round(moment * 10) / 10).toFixed(1);
      describe();
    };
    const follow = () => { now.textContent = "Comment at " + clock(player.currentTime); };
    picker.hidden = false;
    ["timeupdate", "seeked", "loadedmetadata"].forEach((name) => player.addEventListener(name, follow));
    now.addEventListener("click", () => {
      player.pause();
      pick(player.currentTime);
      body.focus();
    });
    document.getElementById("comment-whole").addEventListener("click", () => {
      field.value = "";
      describe();
      body.focus();
    });
    field.addEventListener("input", describe);
    // report_charts.js seeks the replay on a click over a chart (capture phase, before this);
    // the moment follows once it has.
    CHART_IDS.forEach((id) => {
      const chart = document.getElementById(id);
      if (!chart) return;
      chart.addEventListener("mousedown", () => {
        const before = player.currentTime;
        setTimeout(() => { if (player.currentTime !== before) pick(player.currentTime); }, 0);
      }, true);
    });
  }

  markCharts();
  if (player) {
    captionUnderPlayer();
    momentPicker();
  }
})();
