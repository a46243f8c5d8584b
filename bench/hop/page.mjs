// Browser side of the hop bench (variants.cjs): a blob: worker per variant, ROUNDS notifies each,
// the time from Atomics.notify to the worker's message on this page; variants alternate per run.
const q = new URLSearchParams(location.search);
const ROUNDS = Number(q.get('rounds') || 1000);
const RUNS = Number(q.get('runs') || 3);
const source = await (await fetch('/bench/hop/variants.cjs')).text();
const url = URL.createObjectURL(new Blob([`var module;\n${source}\n` +
  'onmessage = (e) => { onmessage = null; hopWorkerLoop(new Int32Array(e.data.sab), e.data.variant, self, e.data.port); };'],
{ type: 'text/javascript' }));
const VARIANTS = ['self-object', 'self-number', 'port-object', 'port-number'];
const median = (v) => { const s = v.slice().sort((a, b) => a - b); return s[s.length >> 1]; };

function one(variant) {
  const sab = new SharedArrayBuffer(8);
  const i32 = new Int32Array(sab);
  const w = new Worker(url);
  const ch = new MessageChannel();
  w.postMessage({ sab, variant, port: ch.port2 }, [ch.port2]);
  const from = variant.startsWith('port') ? ch.port1 : w;
  const times = [];
  let t0 = 0;
  let round = 0;
  return new Promise((resolve) => {
    // A message that never comes (Firefox 140: a port's, from a worker that never returns to its
    // event loop) is a result too: the variant is reported stalled.
    let watchdog;
    const stall = () => { w.terminate(); resolve(null); };
    const next = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(stall, 5000);
      if (++round > ROUNDS) {
        Atomics.store(i32, 1, 1);
        Atomics.store(i32, 0, -1);
        Atomics.notify(i32, 0);
        clearTimeout(watchdog);
        w.terminate();
        resolve(times.slice(50));
        return;
      }
      t0 = performance.now();
      Atomics.store(i32, 0, round);
      Atomics.notify(i32, 0);
    };
    from.onmessage = () => {
      times.push((performance.now() - t0) * 1000);
      setTimeout(next, 0);
    };
    setTimeout(next, 100);
  });
}

const out = { userAgent: navigator.userAgent, p50: Object.fromEntries(VARIANTS.map((v) => [v, []])) };
try {
  for (let r = 0; r < RUNS; r++) for (const v of VARIANTS) { const t = await one(v); out.p50[v].push(t ? median(t) : null); }
} catch (e) {
  out.error = String(e && e.stack || e);
}
fetch('/__report/' + q.get('session'), { method: 'POST', body: JSON.stringify(out) })
  .then((r) => r.json()).then((r) => { if (r.next) location.href = r.next; });
