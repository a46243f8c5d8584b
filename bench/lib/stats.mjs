// Small statistics helpers shared by the Node and browser benches and the report (plain ES2020, so
// the browser pages can import this file as it is).

/** The q-quantile (0..1) of an array of numbers, by linear interpolation; NaN if empty. */
export function quantile(values, q) {
  if (!values.length) return NaN;
  const s = Float64Array.from(values).sort();
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/** Summary of one run's samples: n, min, p50, p90, p99, max, mean. */
export function summarize(values) {
  if (!values.length) return { n: 0 };
  const s = Float64Array.from(values).sort();
  const at = (q) => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  };
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length, min: s[0], p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1], mean: sum / s.length,
  };
}

/** 101 quantiles (0%, 1%, …, 100%) plus p99.9: a compact picture of a distribution for the charts. */
export function profile(values) {
  if (!values.length) return null;
  const s = Float64Array.from(values).sort();
  const at = (q) => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  };
  const q = [];
  for (let i = 0; i <= 100; i++) q.push(round(at(i / 100)));
  return { n: s.length, q, p999: round(at(0.999)) };
}

/** Rounds to 4 significant digits (keeps the JSON readable). */
export function round(x) {
  if (typeof x !== 'number' || !Number.isFinite(x) || x === 0) return x;
  const d = Math.max(0, 3 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(d, 6)));
}

/** Rounds every number of a summary object. */
export function roundAll(o) {
  if (Array.isArray(o)) return o.map(roundAll);
  if (o && typeof o === 'object') {
    const r = {};
    for (const [k, v] of Object.entries(o)) r[k] = roundAll(v);
    return r;
  }
  return typeof o === 'number' ? round(o) : o;
}

/** Samples of one series (one engine mode of one workload) over all runs: medians across runs. */
export class Series {
  constructor() {
    this.runs = [];
    this.all = [];
  }
  add(samples) {
    if (!samples || !samples.length) return;
    this.runs.push(summarize(samples));
    for (const s of samples) this.all.push(s);
  }
  toJSON() {
    return roundAll({
      p50: median(this.runs.map((r) => r.p50)),
      p99: median(this.runs.map((r) => r.p99)),
      runs: this.runs.map((r) => ({ n: r.n, p50: r.p50, p99: r.p99, min: r.min, max: r.max })),
      profile: profile(this.all),
    });
  }
}

/** obj[key], created as a Series on first use. */
export function seriesOf(obj, key) {
  if (!obj[key]) obj[key] = new Series();
  return obj[key];
}
