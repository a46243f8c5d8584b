// The Node side of the model property (support/model.mjs): the other agent is a worker_threads
// worker (native waitAsync deleted, package installed) that stores and notifies on request, and
// the first seed comes from SEED or is random.
import { agent } from './agents.mjs';

/** One worker agent that stores and notifies on request (model.mjs's `foreign`). */
export function startForeign() {
  const w = agent(`
    parentPort.on('message', (m) => {
      const ta = new Int32Array(m.buf);
      if (m.store !== undefined) Atomics.store(ta, m.byte >> 2, m.store);
      const n = Atomics.notify(ta, m.byte >> 2, m.count === undefined ? undefined : m.count);
      send({ id: m.id, n });
    });
    send('ready');
  `);
  let seq = 0;
  return {
    ready: () => w.next((m) => m === 'ready'),
    async notify(buf, byte, count, store) {
      const id = ++seq;
      w.post({ id, buf, byte, count, store });
      return (await w.next((m) => m && m.id === id, 30000, 'foreign notify reply')).n;
    },
    terminate: () => w.terminate(),
  };
}

export function seedFromEnv() {
  const s = process.env.SEED;
  return s !== undefined && s !== '' ? Number(s) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
}
