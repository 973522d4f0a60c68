// The optimizer trace: the update method's source with the values recorded at the chosen step.
"use strict";

(function () {
  const data = readData();
  const optimizer = document.getElementById("optimizer");
  const param = document.getElementById("param");
  const steps = stepper({ slider: document.getElementById("slider"), previous: document.getElementById("previous"),
                          next: document.getElementById("next") });

  // A small line of one quantity over the steps, the current step marked (shape only: no axis, no numbers).
  function sparkline(values, k) {
    const svg = svgElement("svg", { viewBox: "0 0 160 34", width: 160, height: 34, "aria-hidden": "true" });
    if (values.length < 2) return svg;
    const low = Math.min(...values), high = Math.max(...values);
    const y = (v) => (high === low ? 17 : 30 - ((v - low) / (high - low)) * 26);
    const x = (i) => 4 + (i / (values.length - 1)) * 152;
    svgElement("polyline", { points: values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" "),
                             fill: "none", stroke: "#2457c5", "stroke-width": 1.5 }, svg);
    if (k < values.length) svgElement("circle", { cx: x(k), cy: y(values[k]), r: 3.2, fill: "#f0a202", stroke: "#000" }, svg);
    return svg;
  }

  function show() {
    const trace = data[optimizer.value];
    const rows = trace.steps[param.value];
    document.getElementById("trace-title").textContent = trace.title;
    steps.reset(rows.length, (k) => {
      const row = rows[k];
      document.getElementById("position").textContent = `step ${row.step} of ${rows.length}`;
      document.getElementById("summary").textContent =
        `step ${row.step}: loss ${row.loss}; ${param.value} moves from ${row.before} to ${row.after}`;
      const code = document.getElementById("code");
      code.replaceChildren();
      trace.source.forEach((line, i) => {
        const div = document.createElement("div");
        div.className = "line";
        const text = document.createElement("span");
        text.textContent = line;
        const values = document.createElement("span");
        values.className = "val";
        // A local's value goes beside the first line that assigns it (the value it has when update() returns).
        const assigned = trace.assigns[i].filter((name) => name in row.values && trace.first[name] === i);
        if (assigned.length) div.classList.add("assigns");
        values.textContent = assigned.map((name) => `${name} = ${row.values[name]}`).join(",  ");
        div.append(text, values);
        code.appendChild(div);
      });
      const body = document.querySelector("#quantities tbody");
      body.replaceChildren();
      for (const name of trace.names) {
        if (!(name in row.values)) continue;
        const tr = document.createElement("tr");
        tr.dataset.quantity = name;
        tr.innerHTML = `<td><code>${name}</code></td><td class="num">${row.values[name]}</td><td></td>`;
        tr.lastChild.appendChild(sparkline(trace.series[param.value][name] || [], k));
        body.appendChild(tr);
      }
    });
  }

  optimizer.addEventListener("change", show);
  param.addEventListener("change", show);
  show();
})();
