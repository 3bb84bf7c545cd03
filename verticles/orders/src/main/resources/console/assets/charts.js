// Tiny hand-written SVG time-series charts: a few lines (optionally one filled area) over a fixed window.
// The chart is drawn in real pixels (viewBox = the element's size) so text and strokes never stretch;
// a ResizeObserver redraws it when the card changes width.

const NS = 'http://www.w3.org/2000/svg';
const PAD = { left: 44, right: 8, top: 8, bottom: 20 };

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** The smallest 1, 2, 2.5 or 5 times a power of ten that is >= value: round numbers for the y axis. */
export function niceCeil(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => value <= s * power * 1.0000001);
  return step * power;
}

const valid = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * createChart(svg, {lines: ['placed', 'confirmed'], area: 'placed', format: v => `${v}`, minMax: 1})
 * returns {update(points, windowSeconds)}; each point is {t: epochSeconds, <line>: number|null}.
 * Colours come from the stylesheet classes line-<name> and area-<name>.
 */
export function createChart(svg, { lines, area = null, format = String, minMax = 1 }) {
  const gridLayer = svgEl('g');
  // The data is clipped to the plot area: a late or early point must not draw over the axis labels.
  const clipId = `${svg.id || 'chart'}-clip`;
  const clipRect = svgEl('rect');
  const clip = svgEl('clipPath', { id: clipId });
  clip.append(clipRect);
  const dataLayer = svgEl('g', { 'clip-path': `url(#${clipId})` });
  const areaPath = area ? svgEl('path', { class: `area area-${area}` }) : null;
  const linePaths = lines.map((name) => svgEl('path', { class: `line line-${name}` }));
  dataLayer.append(...(areaPath ? [areaPath] : []), ...linePaths);
  svg.append(clip, gridLayer, dataLayer);

  let lastPoints = [];
  let lastWindow = 120;

  function draw() {
    const width = svg.clientWidth;
    const height = svg.clientHeight;
    if (!width || !height) return; // not laid out yet
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const end = lastPoints.length ? Math.max(...lastPoints.map((p) => p.t)) : Date.now() / 1000;
    const start = end - (lastWindow - 1);
    const points = lastPoints.filter((p) => p.t >= start).sort((a, b) => a.t - b.t);
    const max = niceCeil(Math.max(minMax, ...points.flatMap((p) => lines.map((l) => p[l]).filter(valid))));
    const x = (t) => PAD.left + ((t - start) / (lastWindow - 1)) * plotW;
    const y = (v) => PAD.top + plotH * (1 - v / max);

    // A little head room above the plot so a line at the maximum keeps its full stroke.
    Object.entries({ x: PAD.left, y: PAD.top - 3, width: plotW + 3, height: plotH + 5 })
      .forEach(([k, v]) => clipRect.setAttribute(k, v));
    drawAxes(width, end, start, max, x, y);
    linePaths.forEach((path, i) => path.setAttribute('d', linePath(points, lines[i], x, y)));
    if (areaPath) areaPath.setAttribute('d', areaPathOf(points, area, x, y, y(0)));
  }

  function drawAxes(width, end, start, max, x, y) {
    const parts = [];
    for (const v of [0, max / 2, max]) {
      const label = svgEl('text', { class: 'axis-label', x: PAD.left - 6, y: y(v) + 3.5, 'text-anchor': 'end' });
      label.textContent = format(v);
      parts.push(svgEl('line', { class: 'gridline', x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }), label);
    }
    const baseline = y(0) + 14;
    const ticks = [[start, `−${lastWindow} s`, 'start'], [(start + end) / 2, `−${lastWindow / 2} s`, 'middle'], [end, 'now', 'end']];
    for (const [t, label, anchor] of ticks) {
      const text = svgEl('text', { class: 'axis-label', x: x(t), y: baseline, 'text-anchor': anchor });
      text.textContent = label;
      parts.push(text);
    }
    gridLayer.replaceChildren(...parts);
  }

  new ResizeObserver(draw).observe(svg);

  return {
    update(points, windowSeconds = 120) {
      lastPoints = Array.isArray(points) ? points : [];
      lastWindow = windowSeconds > 1 ? windowSeconds : 120;
      draw();
    },
  };
}

/** An SVG path through the valid values of one line; a missing value breaks the line rather than faking a zero. */
function linePath(points, key, x, y) {
  let d = '';
  let pen = 'M';
  let run = 0;
  // A value between two gaps is a path of one point, which SVG does not draw: a tiny stroke (with the
  // line's round caps) makes it a dot, so a second of endings between empty ones still shows.
  const endRun = () => {
    if (run === 1) d += 'h0.1';
    run = 0;
  };
  for (const p of points) {
    if (!valid(p[key])) {
      endRun();
      pen = 'M';
      continue;
    }
    d += `${pen}${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`;
    pen = 'L';
    run++;
  }
  endRun();
  return d;
}

function areaPathOf(points, key, x, y, base) {
  const present = points.filter((p) => valid(p[key]));
  if (present.length < 2) return '';
  const first = x(present[0].t).toFixed(1);
  const last = x(present[present.length - 1].t).toFixed(1);
  return `${linePath(present, key, x, y)}L${last},${base}L${first},${base}Z`;
}
