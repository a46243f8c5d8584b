// waitFor: the cancellable, promise-only wait beyond the spec. Runs on Node 20, whose native
// waitAsync waiters could not be withdrawn: waitFor goes through the package's engine.
import { expect } from 'chai';
import { agent, until, within } from './support/agents.mjs';

const { waitFor, notify, stats, configure } = await import('../../dist/index.mjs');
const sab = () => new SharedArrayBuffer(64);

describe('waitFor (cancellable wait, beyond the spec)', function () {
  this.timeout(60000);

  it('resolves "not-equal" and "timed-out" (t = 0) without waiting, "ok" when notified', async () => {
    const ta = new Int32Array(sab());
    expect(await waitFor(ta, 0, 1)).to.equal('not-equal');
    expect(await waitFor(ta, 0, 0, { timeout: 0 })).to.equal('timed-out');
    const p = waitFor(ta, 0, 0);
    expect(notify(ta, 0)).to.equal(1);
    expect(await p).to.equal('ok');
    const start = performance.now();
    expect(await waitFor(ta, 0, 0, { timeout: 20 })).to.equal('timed-out');
    expect(performance.now() - start).to.be.at.least(20);
  });

  it('aborting rejects with signal.reason and removes the waiter: a later notify wakes the next one', async () => {
    const ta = new Int32Array(sab());
    const ac = new AbortController();
    const first = waitFor(ta, 1, 0, { signal: ac.signal });
    const second = waitFor(ta, 1, 0);
    const reason = new Error('no longer needed');
    ac.abort(reason);
    let caught;
    try { await first; } catch (e) { caught = e; }
    expect(caught).to.equal(reason);
    expect(stats().addresses.find((a) => a.buffer === ta.buffer).waiters).to.equal(1);
    expect(notify(ta, 1, 1)).to.equal(1); // the aborted waiter absorbs nothing
    expect(await second).to.equal('ok');
  });

  it('an aborted waiter does not absorb another agent\'s notify(1)', async () => {
    const ta = new Int32Array(sab());
    const ac = new AbortController();
    const stale = waitFor(ta, 2, 0, { signal: ac.signal });
    await until(() => stats().blocked >= 1, 30000, 'helper blocked');
    ac.abort();
    await stale.catch((e) => expect(e.name).to.equal('AbortError'));
    const B = agent(`
      const ta = new Int32Array(workerData);
      send('waiting');
      send({ sync: Atomics.wait(ta, 2, 0, 60000) });
    `, ta.buffer);
    await B.next((m) => m === 'waiting');
    await new Promise((r) => setTimeout(r, 200));
    const C = agent(`send({ n: Atomics.notify(new Int32Array(workerData), 2, 1) });`, ta.buffer);
    expect((await C.next((m) => m.n !== undefined)).n).to.equal(1);
    expect((await B.next((m) => m.sync)).sync).to.equal('ok');
    await Promise.all([B.terminate(), C.terminate()]);
  });

  it('an aborted waiter is not counted by a later notify of this thread, within the budget and beyond it', async () => {
    // Its helper may still sit in the native queue (it leaves at its slice's end): a notify must
    // neither count it nor lose the wake it absorbs.
    const K = stats().exactWaiters;
    try {
      // notify(i) within the budget (the stale helper must not add to the count); notify(i, 3)
      // beyond it (the wake it absorbs must not be lost for the waiter that has no helper).
      for (const [k, live, count] of [[K, 1, undefined], [2, 3, 3]]) {
        configure({ exactWaiters: k });
        const ta = new Int32Array(sab());
        const ac = new AbortController();
        const aborted = waitFor(ta, 5, 0, { signal: ac.signal });
        await until(() => stats().blocked >= 1, 30000, 'helper blocked');
        ac.abort();
        await aborted.catch(() => {});
        const ps = Array.from({ length: live }, () => waitFor(ta, 5, 0));
        const what = `exactWaiters ${k}, ${live} live waiter(s) after an aborted one`;
        expect(notify(ta, 5, count), `notify(i, ${count}), ${what}`).to.equal(live);
        expect(await within(Promise.all(ps), 10000, `the live waiters (${what})`)).to.deep.equal(Array(live).fill('ok'));
        expect(notify(ta, 5), what).to.equal(0);
      }
    } finally {
      configure({ exactWaiters: K });
    }
  });

  it('an already aborted signal rejects at once; options are validated with a clear error', async () => {
    const ta = new Int32Array(sab());
    const ac = new AbortController();
    ac.abort('why');
    let caught;
    try { await waitFor(ta, 3, 0, { signal: ac.signal }); } catch (e) { caught = e; }
    expect(caught).to.equal('why');
    for (const [opts, re] of [[{ signal: {} }, /signal.*AbortSignal/], [5, /options must be an object/]]) {
      let err;
      try { await waitFor(ta, 3, 0, opts); } catch (e) { err = e; }
      expect(err).to.be.instanceOf(TypeError);
      expect(err.message).to.match(re);
    }
    let err;
    try { await waitFor(new Float64Array(4), 0, 0); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(TypeError); // the spec's validation, as a rejection
  });

  it('a woken waiter ignores a late abort', async () => {
    // The notify comes first and counts the waiter; its promise settles only when its helper's
    // message arrives, so the abort often lands in between. 100 rounds: the race shows.
    const outcomes = [];
    for (let round = 0; round < 100; round++) {
      const ta = new Int32Array(sab());
      const ac = new AbortController();
      const p = waitFor(ta, 4, 0, { signal: ac.signal });
      const n = notify(ta, 4);
      ac.abort();
      const v = await within(p.catch((e) => `rejected (${e && e.name})`), 10000, `round ${round}`);
      outcomes.push(`${v}/${n}`);
    }
    const bad = outcomes.map((o, i) => (o === 'ok/1' ? -1 : i)).filter((i) => i >= 0);
    expect(bad.map((i) => `round ${i}: ${outcomes[i]}`), 'rounds where notify counted the waiter but the later abort won').to.deep.equal([]);
  });
});
