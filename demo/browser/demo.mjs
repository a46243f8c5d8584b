// The browser demo's page script: shows what this browser has (native Atomics.waitAsync or the
// package's shim, the engine, cross-origin isolation), runs the live checks of checks.mjs with the
// package's default implementation and, where the engine has its own waitAsync, again with the
// shim forced, and draws the ping-pong latencies (bench/lib/svg.mjs: the report's own charts).
// When done: <body data-done="pass|fail">, document.title starts with PASS/FAIL, and
// window.demoResults holds the results (plain JSON). Opened by the test runner (?session=), it
// also posts them to the runner's server, in the format of the browser suite's pages.
import * as lib from '../../dist/index.browser.mjs';
import { profile } from '../../bench/lib/stats.mjs';
import { cdfChart, COLORS } from '../../bench/lib/svg.mjs';
import { barrier, pingPong, strictCsp, timeout } from './checks.mjs';

const params = new URLSearchParams(location.search);
const rounds = Number(params.get('rounds')) || 1000;

// Recorded from the start: an error nobody caught fails the run (a check cannot see it).
const uncaught = [];
addEventListener('error', (e) => uncaught.push(`uncaught: ${e.message}`));
addEventListener('unhandledrejection', (e) => uncaught.push(`unhandled rejection: ${e.reason && e.reason.message || e.reason}`));

const $ = (sel) => document.querySelector(sel);
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const CHECKS = [
  { id: 'ping-pong', name: `ping-pong with a worker, ${rounds} rounds`, run: (impl) => pingPong(impl, { rounds, lib }) },
  { id: 'barrier', name: 'barrier: 4 workers + this page, one notify', run: (impl) => barrier(impl, { lib }) },
  { id: 'timeout', name: 'timeout: 50 ms, nobody notifies', run: (impl) => timeout(impl, { lib }) },
  { id: 'csp', name: "strict CSP iframe (default-src 'self'; worker-src 'self')", run: (impl) => strictCsp(impl) },
];

/** The package's default (native where the engine has it), then the shim forced where it does. */
function implementations() {
  const list = [{
    name: lib.hasNativeWaitAsync ? 'native' : 'shim', label: lib.hasNativeWaitAsync ? 'native Atomics.waitAsync' : 'the shim (this package)',
    waitAsync: lib.waitAsync, notify: lib.notify, shimmed: !lib.hasNativeWaitAsync, color: lib.hasNativeWaitAsync ? COLORS.native : COLORS.shim,
  }];
  if (lib.hasNativeWaitAsync) {
    list.push({
      name: 'shim (forced)', label: 'the shim, forced (shim.waitAsync / shim.notify)',
      waitAsync: lib.shim.waitAsync, notify: lib.shim.notify, shimmed: true, color: COLORS.shim,
    });
  }
  return list;
}

function badge(state) {
  return el('span', { class: `badge ${state.toLowerCase()}` }, state);
}

function showEnvironment(env) {
  const rows = [
    ['Atomics.waitAsync', env.native ? 'native (the engine has its own; the package leaves it alone)' : 'the shim (this engine has none: the package provides it)'],
    ['browser', env.userAgent],
    ['crossOriginIsolated', String(env.crossOriginIsolated)],
    ['SharedArrayBuffer', env.sharedArrayBuffer ? 'available' : 'missing (serve the page with COOP same-origin + COEP require-corp)'],
    ['package', 'dist/index.browser.mjs, as a ponyfill (no globals touched; the shim runs only where it is used)'],
  ];
  $('#env').append(...rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))));
}

/** One table per implementation; its rows are filled in as its checks finish. */
function showMode(impl) {
  const tbody = el('tbody');
  for (const c of CHECKS) {
    tbody.append(el('tr', { 'data-check': c.id }, el('td', {}, badge('…')), el('th', {}, c.name), el('td', { class: 'figures' }, 'waiting')));
  }
  $('#modes').append(el('section', {}, el('h2', {}, impl.label), el('table', { class: 'checks' }, tbody)));
  return tbody;
}

function fillRow(tbody, check, result) {
  const row = tbody.querySelector(`[data-check="${check.id}"]`);
  row.children[0].replaceChildren(badge(result.ok ? 'PASS' : 'FAIL'));
  row.children[2].replaceChildren(result.figures, el('div', { class: 'detail' }, result.detail || ''));
}

function drawChart(series) {
  const live = series.filter((s) => s.samples);
  if (!live.length) return;
  $('#chart').innerHTML = cdfChart({
    title: 'Ping-pong round trips',
    cols: 1, pw: 560, ph: 200,
    panels: [{
      title: 'request to the worker → this page\'s waitAsync settled', unit: 'µs',
      series: live.map((s) => ({ label: s.name, color: s.color, profile: profile(s.samples.map((ms) => ms * 1000)) })),
    }],
  });
}

async function main() {
  const env = {
    native: lib.hasNativeWaitAsync, userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
  };
  showEnvironment(env);
  const results = { env, modes: [], passed: 0, failed: 0, failures: [], done: false };
  window.demoResults = results;
  const record = (mode, name, ok, message) => {
    if (ok) results.passed++;
    else {
      results.failed++;
      results.failures.push({ name: `${mode}: ${name}`, message });
    }
  };
  record('page', 'cross-origin isolated, SharedArrayBuffer present', env.crossOriginIsolated && env.sharedArrayBuffer,
    `crossOriginIsolated ${env.crossOriginIsolated}, SharedArrayBuffer ${env.sharedArrayBuffer}`);
  if (params.has('expect')) {
    // Set by the test runner: what this engine must have (Firefox ESR 140: the shim; Chromium: native).
    const want = params.get('expect') === 'native';
    record('page', `Atomics.waitAsync is ${want ? 'native' : 'the shim'}`, env.native === want, `hasNativeWaitAsync is ${env.native}`);
  }
  const series = [];
  if (env.sharedArrayBuffer) {
    for (const impl of implementations()) {
      const tbody = showMode(impl);
      const mode = { name: impl.name, checks: [] };
      results.modes.push(mode);
      for (const c of CHECKS) {
        const r = await c.run(impl);
        fillRow(tbody, c, r);
        const { samples, ...kept } = r; // the 1000 samples stay out of the JSON: the chart has them
        mode.checks.push({ id: c.id, name: c.name, ...kept });
        record(impl.name, c.name, r.ok, `${r.figures}${r.detail ? ` — ${r.detail}` : ''}`);
        if (samples) series.push({ name: impl.name, color: impl.color, samples });
      }
    }
    drawChart(series);
  }
  const s = lib.stats();
  results.stats = { helpers: s.helpers, pending: s.pending, missedArming: s.missedArming };
  $('#stats').textContent = `stats(): ${s.helpers} helper thread(s) alive, ${s.pending} pending waiter(s), ` +
    `${s.missedArming ?? 0} wait(s) armed late`;
  record('page', 'no uncaught errors', !uncaught.length, uncaught.slice(0, 5).join(' | '));
  results.done = true;
  const verdict = results.failed ? 'FAIL' : 'PASS';
  $('#verdict').replaceChildren(badge(verdict), ` ${results.passed} passed, ${results.failed} failed`);
  document.title = `${verdict} — atomics-wait-async browser demo`;
  document.body.dataset.done = verdict.toLowerCase();
  if (params.has('session')) await report(results);
}

/** To the test runner's server (test/browser/server.mjs): { passed, failed, failures, notes }. */
async function report(results) {
  const notes = results.modes.flatMap((m) => m.checks.map((c) => `${m.name} ${c.id}: ${c.figures}`));
  const body = { suite: 'demo', userAgent: navigator.userAgent, ...results, notes };
  const res = await fetch(`/__report/${params.get('session')}`, { method: 'POST', body: JSON.stringify(body) });
  const { next } = await res.json();
  if (next) location.href = next;
}

main().catch((e) => {
  // A bug in the demo itself: say so on the page and to whoever waits for data-done.
  $('#verdict').replaceChildren(badge('FAIL'), ` the demo stopped: ${e && e.message || e}`);
  document.title = 'FAIL — atomics-wait-async browser demo';
  document.body.dataset.done = 'fail';
});
