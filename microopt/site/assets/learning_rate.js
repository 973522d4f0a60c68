// The learning rate explorable: the slider picks one precomputed run of the sweep and draws it.
"use strict";

(function () {
  const data = readData();
  const select = document.getElementById("problem");
  const steps = stepper({ slider: document.getElementById("slider"), previous: document.getElementById("previous"),
                          next: document.getElementById("next") });
  const BAD = "#c62828", LINE = "#f0a202";

  function show(key) {
    const problem = data[key];
    for (const section of document.querySelectorAll(".problem")) section.hidden = section.dataset.problem !== key;
    const map = document.getElementById(`${key}-map`);
    const loss = document.getElementById(`${key}-loss`);
    const sweep = document.getElementById(`${key}-sweep`);
    steps.reset(problem.runs.length, (k) => {
      const run = problem.runs[k];
      clearPlot(map);
      clearPlot(loss);
      clearPlot(sweep);
      drawLine(map, run.path, { stroke: "#fff", "stroke-width": 4.5, "stroke-opacity": 0.6 });
      drawLine(map, run.path, { stroke: run.diverged ? BAD : LINE, "stroke-width": 2 });
      drawDot(map, problem.start[0], problem.start[1], { fill: "#fff", stroke: "#000", "stroke-width": 1.5 });
      const n = run.path.length;
      if (n) drawDot(map, run.path[n - 2], run.path[n - 1], { r: 3.5, fill: run.diverged ? BAD : LINE, stroke: "#000" });
      drawLine(loss, run.loss.map((v, i) => (v === null ? null : [i, v])), { stroke: run.diverged ? BAD : "#2457c5", "stroke-width": 2 });
      drawLine(sweep, problem.sweep, { stroke: "#7f8796", "stroke-width": 1.5 });
      for (const [lr, v] of problem.sweep) drawDot(sweep, lr, v, { r: 3, fill: "#7f8796" });
      const top = JSON.parse(sweep.dataset.axes).y1;
      for (const lr of problem.diverged_lrs) {
        const [px, py] = toPixel(sweep)(lr, top);
        svgElement("text", { x: px, y: py + 14, "text-anchor": "middle", fill: BAD, "font-weight": 700 },
                   sweep.querySelector("g.plot")).textContent = "✕";
      }
      const end = run.loss[run.loss.length - 1];
      if (!run.diverged && end !== null) drawDot(sweep, problem.lr_values[k], end, { r: 7, fill: "none", stroke: LINE, "stroke-width": 3 });
      document.getElementById("lr").textContent = run.lr + (run.lr === problem.best ? " (best)" : "");
      document.getElementById("final").textContent = run.final;
      const status = document.getElementById("status");
      status.textContent = run.status;
      status.className = `status ${run.diverged ? "diverged" : run.reached ? "ok" : ""}`;
      document.getElementById("message").textContent = run.message;
    }, problem.runs.length >> 1);
  }

  select.addEventListener("change", () => show(select.value));
  show(select.value);
})();
