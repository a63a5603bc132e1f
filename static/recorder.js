// Records an answer in the browser (MediaRecorder), uploads it with a progress bar, then
// follows the background analysis until the report is ready. Shared by the audio and video
// pages; the page's data attributes say which.
//
// Whatever happens to an upload (refused, failed, or the analysis failing), the page ends up
// ready to record again; and leaving the page while a recording is unsent asks first.
(function () {
  const page = document.getElementById("recorder");
  if (!page) return;
  const modality = page.dataset.modality;
  const questionId = page.dataset.questionId;
  const limitSeconds = parseInt(page.dataset.limitSeconds, 10);
  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const startButton = $("start"), stopButton = $("stop"), againButton = $("again"), sendButton = $("send");
  const countdown = $("countdown"), statusLine = $("status"), preview = $("preview");
  const uploadBar = $("upload-progress"), analysisBar = $("analysis-progress");
  // Statuses that refuse the recording itself (too short, unreadable, too large): sending the
  // same file again cannot help. Any other failure keeps it, to be sent again.
  const REFUSED = new Set([413, 422]);
  let stream = null, recorder = null, chunks = [], timer = null, recording = null, uploading = false;

  function say(message, isError) {
    statusLine.textContent = message;
    statusLine.className = isError ? "flash flash-error" : "flash";
  }

  function buttons(start, stop, again, send) {
    startButton.disabled = !start || !stream; stopButton.disabled = !stop;
    againButton.disabled = !again; sendButton.disabled = !send;
  }

  // Nothing recorded or waiting: Start is the way on.
  function ready(message, isError) {
    recording = null;
    clearInterval(timer);
    countdown.textContent = limitSeconds + " s";
    uploadBar.value = 0;
    buttons(true, false, false, false);
    say(message, isError);
  }

  function unsent() {
    return uploading || recording !== null || (recorder !== null && recorder.state === "recording");
  }

  // Browsers show their own wording; asking is what matters (the recording lives only here).
  window.addEventListener("beforeunload", (event) => {
    if (!unsent()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  async function openDevices() {
    try {
      stream = await navigator.mediaDevices.getUserMedia(
        modality === "video" ? { video: { width: 640, height: 480 }, audio: true } : { audio: true });
    } catch (error) {
      say("Poise could not use your " + (modality === "video" ? "camera and microphone" : "microphone") +
          ". Allow access in your browser and reload the page.", true);
      return;
    }
    if (preview) { preview.srcObject = stream; await preview.play().catch(() => {}); }
    document.dispatchEvent(new CustomEvent("poise:stream", { detail: stream }));
    ready("Ready. Press Start when you are.");
  }

  function start() {
    chunks = [];
    recording = null;
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
    recorder.onstop = finished;
    recorder.start(1000);
    let left = limitSeconds;
    countdown.textContent = left + " s";
    uploadBar.value = 0; analysisBar.value = 0;
    timer = setInterval(() => {
      left -= 1;
      countdown.textContent = left + " s";
      if (left <= 0) stop();
    }, 1000);
    buttons(false, true, false, false);
    document.dispatchEvent(new Event("poise:recording-started"));
    say("Recording… answer the question.");
  }

  function stop() {
    clearInterval(timer);
    if (recorder && recorder.state !== "inactive") recorder.stop();
    stopButton.disabled = true;
    document.dispatchEvent(new Event("poise:recording-stopped"));
  }

  function finished() {
    const type = recorder.mimeType || (modality === "video" ? "video/webm" : "audio/webm");
    if (!chunks.length) { ready("Nothing was recorded. Press Start to try again.", true); return; }
    recording = new Blob(chunks, { type: type });
    buttons(true, false, true, true);
    say("Recorded " + Math.round(recording.size / 1024) + " KB. Send it for analysis, or record again.");
  }

  function again() {
    ready("Ready. Press Start when you are.");
  }

  function refused(status, body) {
    const message = body.error || ("The upload was refused (" + status + ").");
    if (REFUSED.has(status)) {
      ready(/record again/i.test(message) ? message : message + " Press Start to record again.", true);
    } else {
      buttons(true, false, true, true);
      uploadBar.value = 0;
      say(message + " Send it again, or record again.", true);
    }
  }

  function send() {
    const form = new FormData();
    form.append("modality", modality);
    form.append("question_id", questionId);
    if (page.dataset.sessionItem) form.append("session_item_id", page.dataset.sessionItem);
    form.append("recording", recording, "answer.webm");
    const request = new XMLHttpRequest();
    request.open("POST", "/api/attempts");
    request.setRequestHeader("X-CSRFToken", csrfToken);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) uploadBar.value = Math.round(100 * event.loaded / event.total);
    };
    request.onload = () => {
      uploading = false;
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { /* an HTML error page */ }
      if (request.status === 201 && body.continue_url) {  // a session: on to its next question
        recording = null; uploadBar.value = 100; window.location = body.continue_url;
      } else if (request.status === 201) { recording = null; uploadBar.value = 100; follow(body); }
      else refused(request.status, body);
    };
    request.onerror = () => {
      uploading = false;
      uploadBar.value = 0;
      buttons(true, false, true, true);
      say("The upload failed: check your connection, then send it again, or record again.", true);
    };
    uploading = true;
    buttons(false, false, false, false);
    say("Uploading…");
    request.send(form);
  }

  function follow(attempt) {
    say("Analysing your answer… you can close this page: the report will be in My answers.");
    let failures = 0;
    const poll = async () => {
      let state;
      try {
        const response = await fetch(attempt.status_url, { headers: { Accept: "application/json" } });
        state = await response.json();
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures === 3) say("Poise cannot reach the server; it keeps trying. Your answer is saved.", true);
        setTimeout(poll, 3000);
        return;
      }
      analysisBar.value = state.progress || 0;
      if (state.status === "complete") { window.location = attempt.report_url; return; }
      if (state.status === "failed") {
        ready((state.error || "The analysis failed.") + " Press Start to record again.", true);
        return;
      }
      setTimeout(poll, 1000);
    };
    poll();
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  againButton.addEventListener("click", again);
  sendButton.addEventListener("click", send);
  openDevices();
})();
