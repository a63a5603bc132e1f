// The video report's Plutchik wheel: each phrase of the narrative that has a moment seeks the
// replay there (the drawing itself is built by the server, templates/answers/_wheel.html); so
// does each stretch of the face-and-voice reading (templates/answers/_fusion.html).
(function () {
  const player = document.getElementById("replay-video");
  if (!player) return;
  document.querySelectorAll("#wheel-narrative button[data-seek], #fusion-windows button[data-seek]").forEach((button) => {
    button.addEventListener("click", () => {
      player.currentTime = Math.max(0, parseFloat(button.dataset.seek));
      player.play().catch(() => {});
    });
  });
})();
