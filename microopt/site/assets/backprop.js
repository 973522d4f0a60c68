// Backpropagation step by step: swap each box's grad text and fill colour for those of moment k.
"use strict";

(function () {
  const data = readData();
  const select = document.getElementById("example");
  const steps = stepper({ slider: document.getElementById("slider"), previous: document.getElementById("previous"),
                          next: document.getElementById("next") });

  function show(key) {
    const frames = data[key].frames;
    const box = document.querySelector(`.diagram-box[data-example="${key}"]`);
    for (const other of document.querySelectorAll(".diagram-box")) other.hidden = other !== box;
    const byId = {};
    for (const g of box.querySelectorAll("g.node")) byId[g.querySelector("title").textContent] = g;
    steps.reset(frames.length, (k) => {
      const frame = frames[k];
      document.getElementById("frame-title").textContent = frame.title;
      document.getElementById("chain-rule").textContent = frame.lines.join("\n");
      document.getElementById("position").textContent = `moment ${k} of ${frames.length - 1}`;
      for (const [id, text] of Object.entries(frame.grad)) {
        const g = byId[id];
        const label = [...g.querySelectorAll("text")].find((t) => t.textContent.startsWith("grad "));
        label.textContent = text;
        g.querySelector("polygon").setAttribute("fill", frame.fill[id]);
      }
    });
  }

  select.addEventListener("change", () => show(select.value));
  show(select.value);
})();
