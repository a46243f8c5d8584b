// Fault injection: helpers that crash (crashHelpers), uninstall() while waits are pending, and the
// maxHelpers limit. The main thread uses the shim (`shim`); other agents are real workers.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DIST_CJS, agent, until, within } from './support/agents.mjs';

const lib = await import('../../dist/index.mjs');
const { shim, stats, configure, crashHelpers, uninstall } = lib;
const { waitAsync, notify } = shim;

/** Buffers of the current test: afterEach wakes what a failed test left waiting, so it does not hold helpers into the next. */
let used = [];
const sab = (bytes = 64) => { const b = new SharedArrayBuffer(bytes); used.push(b); return b; };
function releaseLeftovers() {
  for (const b of used) for (let i = 0; i < b.byteLength / 4; i++) notify(new Int32Array(b), i);
  used = [];
}
/** configure()'s default (src/config.ts), restored after the maxHelpers test. */
const DEFAULT_MAX_HELPERS = 128;
/** Tracks each promise's state without awaiting it. */
function track(promises) {
  const states = promises.map(() => 'pending');
  promises.forEach((p, i) => p.then((v) => { states[i] = v; }));
  return states;
}
const mine = (buf) => stats().addresses.filter((a) => a.buffer === buf);

/** A worker that does store-then-notify (or a bare notify) on request and reports the count. */
function notifier() {
  const w = agent(`
    parentPort.on('message', (m) => {
      const ta = new Int32Array(m.buf);
      if (m.store !== undefined) Atomics.store(ta, m.i, m.store);
      send({ id: m.id, n: Atomics.notify(ta, m.i, m.count) });
    });
    send('ready');
  `);
  let id = 0;
  return {
    ready: () => w.next((m) => m === 'ready'),
    async notify(buf, i, store, count) {
      const k = ++id;
      w.post({ id: k, buf, i, store, count });
      return (await w.next((m) => m && m.id === k, 30000, 'notify reply')).n;
    },
    terminate: () => w.terminate(),
  };
}

describe('faults: helpers that crash are replaced', function () {
  this.timeout(120000);
  let other;
  before(async () => { configure({ idleTimeout: 5000 }); other = notifier(); await other.ready(); });
  after(async () => { configure({ idleTimeout: 2000 }); await other.terminate(); });
  afterEach(releaseLeftovers);

  it('helpers killed while blocked: replaced, and every waiter still woken by another agent\'s store-then-notify', async () => {
    const buf = sab();
    const ta = new Int32Array(buf);
    const ps = [];
    for (const i of [0, 1, 2]) for (let j = 0; j < 4; j++) ps.push(waitAsync(ta, i, 0).value);
    await until(() => stats().blocked >= 3, 30000, '3 helpers blocked');
    expect(crashHelpers('armed')).to.be.at.least(3);
    // the engine re-arms a helper for each address at once (no waiter lost, none settled)
    const s = stats();
    expect(mine(buf).map((a) => [a.waiters, a.helpers])).to.deep.equal([[4, 4], [4, 4], [4, 4]]); // a helper each (within the budget)
    expect(s.armed).to.be.at.least(12);
    for (const i of [0, 1, 2]) await other.notify(buf, i, 1);
    expect(await within(Promise.all(ps), 30000, 'waiters after crash')).to.deep.equal(Array(12).fill('ok'));
    expect(mine(buf)).to.have.length(0);
  });

  it('helpers killed the moment the wait is registered (before they block) still hand the wake on', async () => {
    const buf = sab();
    const ta = new Int32Array(buf);
    for (let round = 1; round <= 20; round++) {
      const ps = [waitAsync(ta, 0, round - 1).value, waitAsync(ta, 0, round - 1).value];
      crashHelpers('all');
      expect(mine(buf)[0]).to.include({ waiters: 2, helper: true });
      await other.notify(buf, 0, round);
      expect(await within(Promise.all(ps), 30000, `round ${round}`)).to.deep.equal(['ok', 'ok']);
    }
  });

  it('helpers killed while parked: crashHelpers("armed") spares them, "all" kills them, and new waits get fresh helpers', async () => {
    const buf = sab();
    const ta = new Int32Array(buf);
    const ps = [waitAsync(ta, 0, 0).value, waitAsync(ta, 1, 0).value];
    await until(() => stats().blocked >= 2, 30000, 'helpers blocked');
    expect(notify(ta, 0)).to.equal(1);
    expect(notify(ta, 1)).to.equal(1);
    expect(await Promise.all(ps)).to.deep.equal(['ok', 'ok']);
    await until(() => stats().armed === 0 && stats().helpers > 0, 30000, 'helpers parked');
    expect(crashHelpers('armed')).to.equal(0);
    const parked = stats().helpers;
    expect(crashHelpers('all')).to.equal(parked);
    expect(stats().helpers).to.equal(0);
    const p = waitAsync(ta, 2, 0).value;
    // One armed for the waiter (before waitAsync returned), and a spare started ahead of need.
    expect(stats().armed).to.equal(1);
    expect(mine(buf)[0]).to.include({ waiters: 1, helpers: 1 });
    expect(stats().helpers).to.be.within(1, 2);
    await other.notify(buf, 2, 7);
    expect(await within(p, 30000, 'wait after parked helpers died')).to.equal('ok');
  });

  it('repeated kills under a ping-pong (store-then-notify both ways): no round lost', async () => {
    const buf = sab();
    const ta = new Int32Array(buf);
    const rounds = 60;
    const w = agent(`
      const ta = new Int32Array(workerData);
      for (let i = 1; i <= ${rounds}; i++) {
        while (Atomics.load(ta, 0) < i) Atomics.wait(ta, 0, i - 1, 30000);
        Atomics.store(ta, 1, i);
        Atomics.notify(ta, 1);
      }
      send('done');
    `, buf);
    let killed = 0;
    for (let i = 1; i <= rounds; i++) {
      const r = waitAsync(ta, 1, i - 1, 60000);
      if (i % 2 === 0) killed += crashHelpers('all');
      Atomics.store(ta, 0, i);
      Atomics.notify(ta, 0);
      if (i % 2 === 1) killed += crashHelpers('armed');
      if (r.async) expect(await within(r.value, 30000, `round ${i}`), `round ${i}`).to.equal('ok');
      else expect(r.value).to.equal('not-equal');
    }
    expect(killed).to.be.at.least(rounds / 2);
    await w.next((m) => m === 'done');
    await w.terminate();
  });
});

describe('faults: uninstall and maxHelpers', function () {
  this.timeout(120000);
  let other;
  before(async () => { other = notifier(); await other.ready(); });
  after(async () => { configure({ maxHelpers: DEFAULT_MAX_HELPERS, idleTimeout: 2000 }); await other.terminate(); });
  afterEach(releaseLeftovers);

  it('uninstall() releases every helper; waits already registered settle by same-agent notify or timeout', async () => {
    const ta = new Int32Array(sab());
    const start = performance.now();
    const a = [waitAsync(ta, 0, 0).value, waitAsync(ta, 0, 0).value, waitAsync(ta, 0, 0).value];
    const b = waitAsync(ta, 1, 0, 2000).value.then((v) => [v, performance.now() - start]);
    await until(() => stats().blocked >= 1, 30000, 'a helper blocked');
    uninstall();
    expect(stats().helpers).to.equal(0);
    expect(stats().pending).to.be.at.least(4);
    // No helper is left: the engine settles them itself, exactly and in FIFO order. (A helper
    // thread uninstall() terminated while it sat in Atomics.wait must not count as a waiter.)
    const states = track(a);
    expect(notify(ta, 0, 2)).to.equal(2);
    expect(await within(Promise.all(a.slice(0, 2)), 30000, 'the two notified after uninstall')).to.deep.equal(['ok', 'ok']);
    expect(states[2]).to.equal('pending');
    expect(notify(ta, 0)).to.equal(1);
    expect(await within(Promise.all(a), 30000, 'notified after uninstall')).to.deep.equal(['ok', 'ok', 'ok']);
    const [v, at] = await within(b, 30000, 'timeout after uninstall');
    expect(v).to.equal('timed-out');
    expect(at).to.be.at.least(2000);
    expect(stats().helpers).to.equal(0);
  });

  it('uninstall() with a wake in flight: the waiter a helper already claimed settles "ok"', async () => {
    const buf = sab();
    const ta = new Int32Array(buf);
    const p = waitAsync(ta, 0, 0, 60000).value;
    await until(() => stats().blocked >= 1, 30000, 'the helper blocked');
    const counted = other.notify(buf, 0, 1, 1); // store 1, notify(1)
    // Without yielding to the event loop (which would deliver the helper's message): wait until
    // the helper has claimed the waiter, then uninstall.
    const end = Date.now() + 30000;
    while (!mine(buf).some((a) => a.claimed === 1) && Date.now() < end) { /* spin */ }
    expect(mine(buf)[0].claimed).to.equal(1);
    uninstall();
    expect(await within(p, 30000, 'the claimed waiter')).to.equal('ok');
    expect(await counted).to.equal(1);
    expect(stats().helpers).to.equal(0);
  });

  it('configure({ maxHelpers: N }): waits on more addresses do not throw; they get a helper as one frees up', async () => {
    uninstall(); // start from no helpers at all
    const N = 2;
    configure({ maxHelpers: N, idleTimeout: 5000 });
    const buf = sab();
    const ta = new Int32Array(buf);
    // 5 addresses, 2 waiters each: like native, every call returns a promise.
    const ps = [];
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 2; k++) {
        const r = waitAsync(ta, i, 0);
        expect(r.async).to.equal(true);
        ps.push(r.value);
      }
    }
    const states = track(ps);
    // Within the budget each waiter wants a helper of its own: the N helpers go to the oldest.
    expect(stats().helpers).to.equal(N);
    expect(mine(buf).map((a) => a.helpers)).to.deep.equal([2, 0, 0, 0, 0]);
    // Same-agent notify is exact on an address still waiting for a helper.
    expect(notify(ta, 4, 1)).to.equal(1);
    expect(await within(ps[8], 30000, 'the waiter notified here')).to.equal('ok');
    expect(states[9]).to.equal('pending');
    // Another agent stores and notifies each address in turn: as an address settles, its helpers
    // park and go to the next one, which either is woken there or sees the changed value as its
    // wakeup (no helper of that address was queued through the change).
    for (let i = 0; i < 5; i++) {
      await other.notify(buf, i, 1); // store 1, then notify all
      await within(Promise.all(ps.slice(2 * i, 2 * i + 2)), 30000, `address ${i}`);
      expect(stats().helpers).to.be.at.most(N);
    }
    expect(states).to.deep.equal(Array(10).fill('ok'));
    expect(stats().helpers).to.be.at.most(N);
    expect(mine(buf)).to.have.length(0);
    configure({ maxHelpers: DEFAULT_MAX_HELPERS, idleTimeout: 2000 });
  });
});

describe('faults: helper threads that cannot start (child processes)', function () {
  this.timeout(60000);
  const run = (mode) => {
    const script = fileURLToPath(new URL('./support/spawn-failure.cjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, DIST_CJS, mode], { encoding: 'utf8', timeout: 50000 });
    expect(r.status, r.stderr).to.equal(0);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };

  it('new Worker throwing: waitAsync throws a clear Error at once; a wait registered before still settles', () => {
    const out = run('sync');
    expect(out.first.threw).to.match(/^Error: atomics-wait-async: a helper thread could not start .*EAGAIN/);
    expect(out.later.threw).to.match(/^Error: atomics-wait-async:/);
    expect(out.notified).to.equal(1);
    expect(out.before).to.equal('ok');
  });

  it('helpers dying before they answer: no respawn loop; later waits throw naming the cause; earlier ones settle', () => {
    const out = run('async');
    expect(out.firstAsync).to.equal(true);
    expect(out.firstValue).to.equal('timed-out'); // its deadline still holds with no helper running
    // A streak of 5 failures ends it; spares started ahead of need may add a few more attempts,
    // and none follow once waits throw.
    expect(out.attempts).to.be.within(5, 8);
    expect(out.attemptsAfter).to.equal(out.attempts);
    expect(out.later.threw).to.match(/^Error: atomics-wait-async: helper threads keep failing \(5 in a row, the last: ERR_WORKER_INIT_FAILED\)/);
    expect(out.notified).to.equal(1);
    expect(out.before).to.equal('ok');
  });
});
