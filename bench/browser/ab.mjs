// Before/after on the same engines in one session (issue "fast": no regression): pages alternate
// two builds of dist/index.browser.mjs (+ helper.js), each served from a folder under the repo:
//   node bench/browser/ab.mjs --engines=firefox-140,chromium --a=.cache/old --b=dist [--pages=3]
// It runs the shim's ping-pong (both directions), the floor, same-agent notify and the sync
// not-equal path, and prints each page's p50 (µs; ns per call for not-equal) per build.
import { startServer } from '../../test/browser/server.mjs';
import { engines, walkPages } from './pages.mjs';
const med = (v) => { const s = v.filter((x) => typeof x === 'number').sort((a, b) => a - b); return s[s.length >> 1]; };
const server = await startServer();
const arg = (n, d) => {
  const a = process.argv.find((x) => x.startsWith(`--${n}=`));
  return a ? a.slice(n.length + 3) : d;
};
const ids = arg('engines', 'firefox-140').split(',');
const A = '/' + arg('a', '.cache/old').replace(/^\/|\/$/g, '');
const B = '/' + arg('b', 'dist').replace(/^\/|\/$/g, '');
const PAGES = Number(arg('pages', 3));
for (const e of engines(ids)) {
  const paths = [];
  for (let i = 0; i < PAGES; i++) for (const d of i % 2 ? [B, A] : [A, B]) {
    paths.push(`/bench/browser/page.html?mode=shim&del=${e.id === 'chromium' ? 1 : 0}&rounds=500&warm=50&dist=${d}&steps=forward,forwardFloor,reverse,sameAgent,sync`);
  }
  const reps = await walkPages(server, e, paths, 600000);
  const agg = {};
  reps.forEach((r, i) => {
    if (r.error) { console.log('error', r.error.split('\n')[0]); return; }
    const tag = paths[i].includes(`dist=${A}&`) ? `a ${A}` : `b ${B}`;
    const R = r.results;
    const a = (agg[tag] ??= { fwd: [], floor: [], rev: [], same: [], ne: [] });
    if (R.forward) a.fwd.push(med(R.forward.rtt));
    if (R.forwardFloor) a.floor.push(med(R.forwardFloor.rtt));
    if (R.reverse) a.rev.push(med(R.reverse.rtt));
    if (R.sameAgent) a.same.push(med(R.sameAgent.settle));
    if (R.sync) a.ne.push(med(R.sync['not-equal']));
    if (r.errors?.length) console.log(tag, r.errors);
  });
  for (const [tag, a] of Object.entries(agg)) console.log(e.label, tag, Object.entries(a).map(([k, v]) => `${k} ${v.map((x) => x?.toFixed(1)).join('/')}`).join('  '));
}
await server.close(); process.exit(0);
