// Live input level of the microphone, so people can see they are heard before they record.
(function () {
  const meter = document.getElementById("level");
  if (!meter) return;
  document.addEventListener("poise:stream", (event) => {
    const context = new AudioContext();
    // Browsers start an AudioContext suspended until the person interacts with the page.
    const resume = () => context.resume().catch(() => {});
    resume();
    document.addEventListener("pointerdown", resume, { once: true });
    document.addEventListener("keydown", resume, { once: true });
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(event.detail).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const update = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const db = 20 * Math.log10(Math.sqrt(sum / samples.length) + 1e-9);
      meter.value = Math.max(0, Math.min(100, (db + 60) * 100 / 60));  // -60 dBFS .. 0 dBFS
      requestAnimationFrame(update);
    };
    update();
  });
})();
