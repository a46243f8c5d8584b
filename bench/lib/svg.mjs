// Hand-written SVG charts for the report: cumulative distributions on a log-x axis, and log-log
// scale curves. No dependencies; every chart is a standalone <svg> string.

export const COLORS = {
  native: '#1f77b4',
  shim: '#d62728',
  floor: '#7f7f7f',
  postMessage: '#2ca02c',
  extra: '#9467bd',
};

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v) => (v >= 1000 ? `${+(v / 1000).toPrecision(3)}k` : v >= 1 ? `${+v.toPrecision(3)}` : `${+v.toPrecision(2)}`);

function logTicks(lo, hi) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push({ v, major: m === 1 });
    }
  }
  return ticks;
}

/**
 * A panel of cumulative distributions. series: [{ label, color, dash, profile: { q: [101], p999 } }].
 * The x axis (log, or linear) spans p0…p99.9 of all series; y is the percentile: p0…p90 linear on
 * the lower half, the tail p90…p99.9 stretched over the upper half.
 */
function cdfPanel({ x, y, w, h, title, unit = 'µs', series, linear = false }) {
  const live = series.filter((s) => s.profile && s.profile.q);
  let lo = Infinity;
  let hi = 0;
  for (const s of live) {
    for (const v of [...s.profile.q, s.profile.p999]) {
      if ((linear || v > 0) && v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const out = [`<g transform="translate(${x},${y})">`];
  out.push(`<text x="${w / 2}" y="-8" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="0" y="0" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  if (!live.length || !(hi > 0)) {
    out.push(`<text x="${w / 2}" y="${h / 2}" text-anchor="middle" fill="#999">no data</text></g>`);
    return out.join('\n');
  }
  let sx;
  let ticks;
  if (linear) {
    hi = Math.max(...live.map((x) => x.profile.q[99]));
    const step = 10 ** Math.floor(Math.log10(Math.max(hi - lo, 1e-6)));
    const s5 = (hi - lo) / step > 5 ? step : step / 2;
    lo = Math.floor(lo / s5) * s5;
    hi = Math.ceil(hi / s5) * s5;
    sx = (v) => Math.min(Math.max(v - lo, 0), hi - lo) / (hi - lo) * w;
    ticks = [];
    for (let v = lo; v <= hi + s5 / 2; v += s5) ticks.push({ v: +v.toPrecision(6), major: Math.abs(v) < s5 / 2 });
  } else {
    lo = 10 ** (Math.floor(Math.log10(Math.max(lo, 1e-3)) * 2) / 2);
    hi = 10 ** (Math.ceil(Math.log10(hi) * 2) / 2);
    sx = (v) => (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * w;
    ticks = logTicks(lo, hi);
  }
  // y: percentile; p0…p90 linear over the lower half, p90…p99.9 on a log(1 - f) scale over the upper half.
  const sy = (f) => {
    const g = f <= 0.9 ? f / 0.9 * 0.5 : 0.5 + (-Math.log10(1 - Math.min(f, 0.999)) - 1) / 2 * 0.5;
    return h - g * h;
  };
  const wide = !linear && Math.log10(hi / lo) > 3;
  for (const t of ticks) {
    const X = sx(t.v).toFixed(1);
    out.push(`<line x1="${X}" y1="0" x2="${X}" y2="${h}" stroke="${t.major ? '#ddd' : '#f0f0f0'}"/>`);
    if (!wide || t.major) out.push(`<text x="${X}" y="${h + 14}" text-anchor="middle" font-size="10">${linear ? t.v : fmt(t.v)}</text>`);
  }
  for (const [f, label] of [[0, 'p0'], [0.25, 'p25'], [0.5, 'p50'], [0.75, 'p75'], [0.9, 'p90'], [0.99, 'p99'], [0.999, 'p99.9']]) {
    const Y = sy(f).toFixed(1);
    out.push(`<line x1="0" y1="${Y}" x2="${w}" y2="${Y}" stroke="${f === 0.5 || f === 0.99 ? '#bbb' : '#eee'}"/>`);
    out.push(`<text x="-4" y="${Number(Y) + 3}" text-anchor="end" font-size="10">${label}</text>`);
  }
  out.push(`<text x="${w / 2}" y="${h + 28}" text-anchor="middle" font-size="11">${esc(unit)}${linear ? ' (axis ends at the largest p99)' : ' (log scale)'}</text>`);
  live.forEach((s, k) => {
    const pts = s.profile.q.slice(0, 100).map((v, i) => [sx(v), sy(i / 100)]);
    pts.push([sx(s.profile.p999), sy(0.999)]);
    const d = pts.map(([a, b], i) => `${i ? 'L' : 'M'}${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    const ly = 12 + k * 14;
    out.push(`<rect x="4" y="${ly - 7}" width="170" height="14" fill="white" fill-opacity="0.8"/>`);
    out.push(`<line x1="8" y1="${ly}" x2="28" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<text x="32" y="${ly + 4}" font-size="10">${esc(s.label)} (p50 ${fmt(s.profile.q[50])})</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** A grid of CDF panels: panels = [{ title, unit, series }]. */
export function cdfChart({ title, panels, cols = 3, pw = 300, ph = 190 }) {
  const rows = Math.ceil(panels.length / cols);
  const W = cols * (pw + 70) + 20;
  const H = rows * (ph + 70) + 40;
  const parts = panels.map((p, i) => cdfPanel({ ...p, x: 55 + (i % cols) * (pw + 70), y: 60 + Math.floor(i / cols) * (ph + 70), w: pw, h: ph }));
  return svgDoc(W, H, title, parts);
}

/**
 * A log-log panel of curves: series = [{ label, color, dash, points: [[x, y], …] }].
 */
function curvePanel({ x, y, w, h, title, xLabel, yLabel, series }) {
  const pts = series.flatMap((s) => s.points).filter(([a, b]) => a > 0 && b > 0);
  const out = [`<g transform="translate(${x},${y})">`];
  out.push(`<text x="${w / 2}" y="-8" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="0" y="0" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  if (!pts.length) {
    out.push(`<text x="${w / 2}" y="${h / 2}" text-anchor="middle" fill="#999">no data</text></g>`);
    return out.join('\n');
  }
  const xl = 10 ** Math.floor(Math.log10(Math.min(...pts.map((p) => p[0]))));
  const xh = 10 ** Math.ceil(Math.log10(Math.max(...pts.map((p) => p[0]))));
  const yl = 10 ** Math.floor(Math.log10(Math.min(...pts.map((p) => p[1]))));
  const yh = 10 ** Math.ceil(Math.log10(Math.max(...pts.map((p) => p[1]))));
  const sx = (v) => (Math.log10(v) - Math.log10(xl)) / (Math.log10(xh) - Math.log10(xl) || 1) * w;
  const sy = (v) => h - (Math.log10(v) - Math.log10(yl)) / (Math.log10(yh) - Math.log10(yl) || 1) * h;
  for (const t of logTicks(xl, xh)) {
    const X = sx(t.v).toFixed(1);
    out.push(`<line x1="${X}" y1="0" x2="${X}" y2="${h}" stroke="${t.major ? '#ddd' : '#f4f4f4'}"/>`);
    if (t.major) out.push(`<text x="${X}" y="${h + 14}" text-anchor="middle" font-size="10">${fmt(t.v)}</text>`);
  }
  for (const t of logTicks(yl, yh)) {
    const Y = sy(t.v).toFixed(1);
    out.push(`<line x1="0" y1="${Y}" x2="${w}" y2="${Y}" stroke="${t.major ? '#ddd' : '#f4f4f4'}"/>`);
    out.push(`<text x="-4" y="${Number(Y) + 3}" text-anchor="end" font-size="10">${fmt(t.v)}</text>`);
  }
  out.push(`<text x="${w / 2}" y="${h + 28}" text-anchor="middle" font-size="11">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(-42,${h / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(yLabel)}</text>`);
  series.forEach((s, k) => {
    const p = s.points.filter(([a, b]) => a > 0 && b > 0);
    if (!p.length) return;
    const d = p.map(([a, b], i) => `${i ? 'L' : 'M'}${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    for (const [a, b] of p) out.push(`<circle cx="${sx(a).toFixed(1)}" cy="${sy(b).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const lx = (k % 2) * (w / 2);
    const ly = h + 44 + Math.floor(k / 2) * 14;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 20}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<text x="${lx + 24}" y="${ly + 4}" font-size="10">${esc(s.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

export function curveChart({ title, panels, cols = 3, pw = 300, ph = 190 }) {
  const rows = Math.ceil(panels.length / cols);
  const legend = Math.max(...panels.map((p) => Math.ceil(p.series.length / 2))) * 14 + 20;
  const W = cols * (pw + 80) + 20;
  const H = rows * (ph + 70 + legend) + 40;
  const parts = panels.map((p, i) => curvePanel({ ...p, x: 65 + (i % cols) * (pw + 80), y: 60 + Math.floor(i / cols) * (ph + 70 + legend), w: pw, h: ph }));
  return svgDoc(W, H, title, parts);
}

function svgDoc(W, H, title, parts) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n` +
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>\n` +
    parts.join('\n') + '\n</svg>\n';
}
