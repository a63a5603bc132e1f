// Live word count under the answer box, so people see the minimum before they submit.
(function () {
  const box = document.getElementById("answer");
  const out = document.getElementById("word-count");
  if (!box || !out) return;
  const update = () => {
    const words = box.value.trim().match(/[A-Za-z\u00C0-\u024F']+/g);
    out.textContent = words ? words.length : 0;
  };
  box.addEventListener("input", update);
  update();
})();
