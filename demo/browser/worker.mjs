// The demo's worker (a module worker), one role per message:
//   partner   the other side of the ping-pong: blocks in Atomics.wait (workers may block), answers
//             each of the page's requests with a store + plain Atomics.notify;
//   barrier   one of the barrier's waiters: waits with waitAsync like the page, reports when its
//             wait is queued and again when it settled;
//   notify    stores and notifies once with plain Atomics.notify, answers with its count.
// Only the barrier loads the package: the others use the engine's own Atomics, as any thread that
// notifies may (a waiter needs the package, a notifier does not).
self.onmessage = async ({ data: m }) => {
  try {
    if (m.role === 'partner') self.postMessage(partner(m));
    else if (m.role === 'barrier') await barrier(m);
    else if (m.role === 'notify') self.postMessage(notifyOnce(m));
    else throw new Error(`unknown role ${m.role}`);
  } catch (e) {
    self.postMessage({ error: String(e && e.message || e) });
  }
};

/** Round r: the page requests r+1 (word 1) once its wait on word 0 is queued; we answer r+1. */
function partner({ sab, rounds }) {
  const view = new Int32Array(sab);
  for (let r = 0; r < rounds; r++) {
    const deadline = performance.now() + 10000; // a round that stalls this long fails the check
    let seen;
    while ((seen = Atomics.load(view, 1)) !== r + 1) {
      if (performance.now() > deadline) throw new Error(`partner: request ${r + 1} never came (value ${seen})`);
      Atomics.wait(view, 1, seen, 1000);
    }
    Atomics.store(view, 0, r + 1);
    Atomics.notify(view, 0, 1);
  }
  return { done: rounds };
}

async function barrier({ sab, impl }) {
  const lib = await import('../../dist/index.browser.mjs');
  const waitAsync = impl === 'shim' ? lib.shim.waitAsync : lib.waitAsync;
  // The shim arms a wait before it returns only with a helper that has started (README, ready()).
  if (waitAsync === lib.shim.waitAsync) await lib.ready(1);
  const view = new Int32Array(sab);
  const r = waitAsync(view, 0, 0, 10000);
  self.postMessage({ queued: r.async, value: r.async ? undefined : r.value });
  if (r.async) self.postMessage({ outcome: await r.value });
}

function notifyOnce({ sab, index, store }) {
  const view = new Int32Array(sab);
  Atomics.store(view, index, store);
  return { count: Atomics.notify(view, index) };
}
