// Records an answer in the browser (MediaRecorder), uploads it with a progress bar, then
// follows the background analysis until the report is ready. Shared by the audio and video
// pages; the page's data attributes say which.
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
  let stream = null, recorder = null, chunks = [], timer = null, recording = null;

  function say(message, isError) {
    statusLine.textContent = message;
    statusLine.className = isError ? "flash flash-error" : "flash";
  }

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
    startButton.disabled = false;
    say("Ready. Press Start when you are.");
  }

  function start() {
    chunks = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
    recorder.onstop = finished;
    recorder.start(1000);
    let left = limitSeconds;
    countdown.textContent = left + " s";
    timer = setInterval(() => {
      left -= 1;
      countdown.textContent = left + " s";
      if (left <= 0) stop();
    }, 1000);
    startButton.disabled = true; stopButton.disabled = false; againButton.disabled = true; sendButton.disabled = true;
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
    recording = new Blob(chunks, { type: recorder.mimeType || (modality === "video" ? "video/webm" : "audio/webm") });
    againButton.disabled = false; sendButton.disabled = false;
    say("Recorded " + Math.round(recording.size / 1024) + " KB. Send it for analysis, or record again.");
  }

  function again() {
    recording = null; sendButton.disabled = true; startButton.disabled = false; countdown.textContent = limitSeconds + " s";
    say("Ready. Press Start when you are.");
  }

  function send() {
    const form = new FormData();
    form.append("modality", modality);
    form.append("question_id", questionId);
    form.append("recording", recording, "answer.webm");
    const request = new XMLHttpRequest();
    request.open("POST", "/api/attempts");
    request.setRequestHeader("X-CSRFToken", csrfToken);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) uploadBar.value = Math.round(100 * event.loaded / event.total);
    };
    request.onload = () => {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (e) { /* an HTML error page */ }
      if (request.status === 201) { uploadBar.value = 100; follow(body); }
      else {
        say(body.error || ("The upload was refused (" + request.status + "). Record again."), true);
        sendButton.disabled = false;
      }
    };
    request.onerror = () => { say("The upload failed: check your connection and send again.", true); sendButton.disabled = false; };
    sendButton.disabled = true; againButton.disabled = true;
    say("Uploading…");
    request.send(form);
  }

  function follow(attempt) {
    say("Analysing your answer… you can close this page: the report will be in My answers.");
    const poll = async () => {
      const response = await fetch(attempt.status_url, { headers: { Accept: "application/json" } });
      const state = await response.json();
      analysisBar.value = state.progress || 0;
      if (state.status === "complete") { window.location = attempt.report_url; return; }
      if (state.status === "failed") { say(state.error || "The analysis failed.", true); againButton.disabled = false; return; }
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
