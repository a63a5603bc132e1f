// Live overlay on the camera preview: a few times a second, send a small JPEG of the preview to
// the server and draw the face box and top emotion it finds; say what to change when the face
// is small, off-centre, cut off, dark or back-lit, or why none was found.
(function () {
  const video = document.getElementById("preview");
  const overlay = document.getElementById("overlay");
  const note = document.getElementById("overlay-note");
  if (!video || !overlay) return;
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const grab = document.createElement("canvas");
  grab.width = 320; grab.height = 240;
  const INTERVAL_MS = 200;
  let busy = false, running = false;

  function draw(result) {
    const context = overlay.getContext("2d");
    overlay.width = video.clientWidth; overlay.height = video.clientHeight;
    context.clearRect(0, 0, overlay.width, overlay.height);
    const sx = overlay.width / result.width, sy = overlay.height / result.height;
    context.lineWidth = 3; context.font = "16px system-ui"; context.strokeStyle = "#2f5fd0";
    result.faces.forEach((face) => {
      const [x, y, w, h] = face.box;
      // The preview is mirrored for the user, so mirror the box too.
      const left = overlay.width - (x + w) * sx;
      context.strokeRect(left, y * sy, w * sx, h * sy);
      const label = face.emotion + " " + Math.round(face.confidence * 100) + "%";
      context.fillStyle = "#2f5fd0"; context.fillRect(left, y * sy - 22, context.measureText(label).width + 10, 22);
      context.fillStyle = "#fff"; context.fillText(label, left + 5, y * sy - 6);
    });
    overlay.dataset.faces = result.faces.length;
    // Framing and light first (the server's plain hint), then a missing face.
    overlay.dataset.framing = (result.framing || []).join(" ");
    if (result.hint) note.textContent = result.hint;
    else if (!result.faces.length) note.textContent = "No face found: look at the camera, with your whole face in view.";
    else note.textContent = "";
  }

  function tick() {
    if (!running) return;
    if (busy || video.readyState < 2) { setTimeout(tick, INTERVAL_MS); return; }
    busy = true;
    grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
    grab.toBlob((blob) => {
      const form = new FormData();
      form.append("frame", blob, "frame.jpg");
      fetch("/api/live-frame", { method: "POST", body: form, headers: { "X-CSRFToken": csrfToken } })
        .then((response) => response.ok ? response.json() : null)
        .then((result) => { if (result) draw(result); })
        .catch(() => {})
        .finally(() => { busy = false; setTimeout(tick, INTERVAL_MS); });
    }, "image/jpeg", 0.7);
  }

  document.addEventListener("poise:stream", () => { running = true; tick(); });
})();
