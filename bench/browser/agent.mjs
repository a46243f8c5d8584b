// The other agents of the browser benches: a module worker that deletes its native
// Atomics.waitAsync first for ?del=1 (each worker has its own globals), loads the package, says
// { ready }, then plays the role of the first message it gets:
//   { role, mode, sab, ... }   mode native: Atomics.waitAsync/notify; shim: the package's.
// Shared Int32 slots (ctl): PING (page → worker), PONG (worker → page), STOP.
const q = new URLSearchParams(location.search);
if (q.get('del') === '1') delete Atomics.waitAsync;
const pkg = await import('/dist/index.browser.mjs');

const PING = 0;
const PONG = 1;
const STOP = 2;

function fns(mode) {
  if (mode !== 'shim') return { waitAsync: Atomics.waitAsync, notify: Atomics.notify };
  if (pkg.hasNativeWaitAsync) throw new Error('shim mode but the package found a native waitAsync (not deleted?)');
  return { waitAsync: pkg.waitAsync, notify: pkg.notify };
}

self.onmessage = (e) => {
  self.onmessage = null;
  try {
    run(e.data);
  } catch (err) {
    postMessage({ error: String(err && err.stack || err) });
  }
};
postMessage({ ready: true, hasWaitAsync: typeof Atomics.waitAsync === 'function' });

function run(m) {
  const { role, mode } = m;
  const { waitAsync, notify } = fns(mode);
  const ctl = m.sab && new Int32Array(m.sab);

  if (role === 'pong') {
    // Forward ping-pong: blocks (sync) on PING; answers by storing PONG and notifying it.
    let seen = 0;
    postMessage({ started: true });
    for (;;) {
      Atomics.wait(ctl, PING, seen);
      seen = Atomics.load(ctl, PING);
      if (Atomics.load(ctl, STOP)) break;
      Atomics.store(ctl, PONG, seen);
      notify(ctl, PONG);
    }
    postMessage({ done: true });
  } else if (role === 'helper-floor') {
    // A hand-rolled helper: blocks (sync) on PONG and tells the page by postMessage.
    let seen = 0;
    postMessage({ started: true });
    for (;;) {
      const r = Atomics.wait(ctl, PONG, seen);
      if (Atomics.load(ctl, STOP)) break;
      if (r === 'timed-out') continue;
      seen = Atomics.load(ctl, PONG);
      postMessage(seen);
    }
    postMessage({ done: true });
  } else if (role === 'async') {
    // Reverse ping-pong, the async side: waits on PING with the mode's waitAsync, answers on PONG.
    // A wake with PING unchanged is spurious: counted, and waited again without answering.
    let seen = 0;
    let spurious = 0;
    let r = waitAsync(ctl, PING, seen);
    postMessage({ started: true });
    (async () => {
      for (;;) {
        if (r.async) await r.value;
        const now = Atomics.load(ctl, PING);
        if (Atomics.load(ctl, STOP)) break;
        if (now === seen) {
          spurious++;
          r = waitAsync(ctl, PING, seen);
          continue;
        }
        seen = now;
        r = waitAsync(ctl, PING, seen);
        Atomics.store(ctl, PONG, seen);
        notify(ctl, PONG);
      }
      postMessage({ done: true, spurious });
    })();
  } else if (role === 'driver') {
    // Reverse ping-pong, the notifying side (a worker, since a page cannot block in Atomics.wait):
    // stores+notifies PING, blocks on PONG; round trip times in µs.
    const rtt = [];
    let lost = 0;
    let spurious = 0;
    postMessage({ started: true });
    for (let i = 0; i < m.warm + m.rounds; i++) {
      const seq = i + 1;
      const t0 = performance.now();
      Atomics.store(ctl, PING, seq);
      notify(ctl, PING);
      for (;;) {
        const r = Atomics.wait(ctl, PONG, seq - 1, 10000);
        if (r === 'timed-out') lost++;
        if (Atomics.load(ctl, PONG) !== seq - 1 || r === 'timed-out') break;
        spurious++; // woken with PONG unchanged (a notify meant for an earlier round)
      }
      const t1 = performance.now();
      if (i >= m.warm) rtt.push((t1 - t0) * 1000);
    }
    Atomics.store(ctl, STOP, 1);
    Atomics.store(ctl, PING, -1);
    notify(ctl, PING);
    postMessage({ done: true, rtt, lost, spurious });
  } else if (role === 'echo') {
    self.onmessage = (ev) => postMessage(ev.data);
    postMessage({ started: true });
  } else if (role === 'spin') {
    // Calls bench, busy: a thread that spins in a busy loop until STOP.
    postMessage({ started: true });
    while (!Atomics.load(ctl, STOP)) { /* busy */ }
  } else if (role === 'notifier') {
    // Scale benches: on PING, stores 1 at every listed index, then notifies each (count +∞).
    const view = new Int32Array(m.data);
    postMessage({ started: true });
    Atomics.wait(ctl, PING, 0);
    for (const i of m.indexes) Atomics.store(view, i, 1);
    let woken = 0;
    for (const i of m.indexes) woken += notify(view, i);
    postMessage({ done: true, woken });
  }
}
