// The race explorer: the ticked optimizers, each at its chosen rate, drawn from the precomputed grid.
"use strict";

(function () {
  const data = readData();
  const problem = document.getElementById("problem");

  function chosen() {
    return [...document.querySelectorAll(".run-toggle")].filter((box) => box.checked).map((box) => {
      const lr = document.querySelector(`.run-lr[data-optimizer="${box.value}"]`).value;
      return { optimizer: box.value, lr, key: `${box.value}@${lr}` };
    });
  }

  function draw() {
    const name = problem.value;
    const fn = data.functions[name];
    for (const section of document.querySelectorAll(".problem")) section.hidden = section.dataset.problem !== name;
    const map = document.getElementById(`${name}-map`);
    const loss = document.getElementById(`${name}-loss`);
    clearPlot(map);
    clearPlot(loss);
    const body = document.querySelector("#results tbody");
    body.replaceChildren();
    for (const { optimizer, lr, key } of chosen()) {
      const run = fn.runs[key];
      const color = data.optimizers[optimizer].color;
      drawLine(map, run.path, { stroke: "#fff", "stroke-width": 4, "stroke-opacity": 0.5 });
      drawLine(map, run.path, { stroke: color, "stroke-width": 2, "data-run": key });
      const n = run.path.length;
      if (n) drawDot(map, run.path[n - 2], run.path[n - 1], { r: 3.5, fill: color, stroke: "#000" });
      drawLine(loss, run.loss.map((v, i) => (v === null ? null : [i, v])), { stroke: color, "stroke-width": 2, "data-run": key });
      const row = document.createElement("tr");
      row.dataset.run = key;
      if (run.diverged) row.className = "diverged";
      row.innerHTML = `<td><span class="swatch" style="background:${color}"></span>${optimizer}</td>` +
        `<td class="num">${run.lr}</td><td class="num">${run.final}</td><td>${run.status}</td>`;
      body.appendChild(row);
    }
    drawDot(map, fn.start[0], fn.start[1], { fill: "#fff", stroke: "#000", "stroke-width": 1.5 });
  }

  // A new landscape starts every optimizer at its best rate there (the lowest final loss of its grid).
  function bestRates() {
    for (const select of document.querySelectorAll(".run-lr")) select.value = data.functions[problem.value].best[select.dataset.optimizer];
    draw();
  }

  for (const control of document.querySelectorAll(".run-toggle, .run-lr")) control.addEventListener("change", draw);
  problem.addEventListener("change", bestRates);
  bestRates();
})();
