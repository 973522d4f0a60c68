// What every explorable page shares: reading its data, placing points in a chart frame, stepping
// through positions with a slider, buttons and the arrow keys. No number is computed here: the
// page's JSON holds microopt's numbers, and these functions only select and draw them.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

function readData(id = "data") {
  return JSON.parse(document.getElementById(id).textContent);
}

// The pixel position of a data point in a frame made by microopt.site.charts.Axes (same mapping as Axes.px).
function toPixel(svg) {
  const a = JSON.parse(svg.dataset.axes);
  const lx = (x) => (a.logx ? Math.log10(x) : x);
  const ly = (y) => (a.log ? Math.log10(y) : y);
  const x0 = lx(a.x0), x1 = lx(a.x1), y0 = ly(a.y0), y1 = ly(a.y1);
  return (x, y) => [a.left + ((lx(x) - x0) / (x1 - x0)) * a.w, a.top + (1 - (ly(y) - y0) / (y1 - y0)) * a.h];
}

function svgElement(name, attributes = {}, parent = null) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (parent) parent.appendChild(element);
  return element;
}

function clearPlot(svg) {
  const plot = svg.querySelector("g.plot");
  plot.replaceChildren();
  return plot;
}

// A line through points [[x, y], ...] or a flat [x0, y0, x1, y1, ...]; a null ends the line there.
function drawLine(svg, points, attributes) {
  const place = toPixel(svg);
  const pairs = points.length && !Array.isArray(points[0]) && points[0] !== null
    ? Array.from({ length: points.length >> 1 }, (_, i) => [points[2 * i], points[2 * i + 1]]) : points;
  const kept = [];
  for (const p of pairs) {
    if (p === null || p[0] === null || p[1] === null) break;
    kept.push(place(p[0], p[1]).map((v) => v.toFixed(1)).join(","));
  }
  return svgElement("polyline", { points: kept.join(" "), fill: "none", ...attributes }, svg.querySelector("g.plot"));
}

function drawDot(svg, x, y, attributes) {
  const [px, py] = toPixel(svg)(x, y);
  return svgElement("circle", { cx: px.toFixed(1), cy: py.toFixed(1), r: 4, ...attributes }, svg.querySelector("g.plot"));
}

// A position from 0 to count - 1, moved by a range input, previous/next buttons and the arrow keys
// (Left/Right anywhere on the page, Home/End for the ends). reset(count, show) starts over at 0
// with a new number of positions; show(k) draws position k.
function stepper({ slider, previous, next }) {
  let count = 1;
  let show = () => {};
  const go = (k) => {
    const clamped = Math.max(0, Math.min(count - 1, k));
    slider.value = clamped;
    previous.disabled = clamped === 0;
    next.disabled = clamped === count - 1;
    show(clamped);
  };
  slider.addEventListener("input", () => go(Number(slider.value)));
  previous.addEventListener("click", () => go(Number(slider.value) - 1));
  next.addEventListener("click", () => go(Number(slider.value) + 1));
  document.addEventListener("keydown", (event) => {
    const tag = event.target.tagName;
    if (event.target === slider || tag === "SELECT" || tag === "TEXTAREA" || tag === "INPUT") return;
    const moves = { ArrowLeft: -1, ArrowRight: 1 };
    if (event.key in moves) go(Number(slider.value) + moves[event.key]);
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(count - 1);
    else return;
    event.preventDefault();
  });
  return {
    go,
    reset(newCount, newShow, at = 0) {
      count = newCount;
      show = newShow;
      slider.min = 0;
      slider.max = count - 1;
      go(at);
    },
  };
}
