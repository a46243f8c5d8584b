// The helper thread. It stands for one address's whole local queue toward other agents: it blocks
// in Atomics.wait on the real memory and tells its agent how many local waiters a wake claimed.
// Between addresses it parks on its private control word, so arming costs one Atomics.notify.
import {
  ADDR_ID, ARMED, BLOCKED, BUF_ID, CMD_SEQ, DEADLINE_F64, EVICT, INDEX, KIND, KIND_I64, PARKED,
  PENDING, RETIRED, STATE, VALUE_I32, VALUE_I64, WSEQ,
  type AgentMessage, type HelperMessage,
} from '../protocol';

declare const require: ((id: string) => any) | undefined;
declare const self: any;

interface Port { post(m: HelperMessage): void; listen(f: (m: AgentMessage) => void): void; close(): void }

// The helper's half of the platform adapter: a Node worker_threads parent port or a Web Worker scope.
const port: Port = typeof self !== 'undefined' && typeof self.postMessage === 'function'
  ? {
    post: (m) => self.postMessage(m),
    listen: (f) => { self.onmessage = (e: { data: AgentMessage }) => f(e.data); },
    close: () => self.close(),
  }
  : (() => {
    const wt = require!('worker_threads');
    return {
      post: (m: HelperMessage) => wt.parentPort.postMessage(m),
      listen: (f: (m: AgentMessage) => void) => wt.parentPort.on('message', f),
      close: () => wt.parentPort.close(),
    };
  })();

const perf: { now(): number; timeOrigin: number } =
  typeof performance !== 'undefined' ? performance : require!('perf_hooks').performance;
const clock = () => perf.timeOrigin + perf.now();

/** Shortest time a helper blocks on a user address at a time, in ms. */
const MIN_SLICE = 20;
let ctrl: Int32Array;
let ctrl64: BigInt64Array;
let ctrlF64: Float64Array;
let idle = 2000;
let seq = 0;
let running = false;
interface BufferEntry { buf: SharedArrayBuffer; i32?: Int32Array; i64?: BigInt64Array }
const buffers = new Map<number, BufferEntry>();

/**
 * A view over the whole buffer that reaches `index`. Built from the buffer's length now, not when
 * it arrived: a growable SharedArrayBuffer may have grown since, and a byte length that is not a
 * multiple of the element size must not make the constructor throw (users view part of it).
 */
function viewOf(entry: BufferEntry, big: boolean, index: number): Int32Array | BigInt64Array {
  const cached = big ? entry.i64 : entry.i32;
  if (cached && index < cached.length) return cached;
  const size = big ? 8 : 4;
  const length = Math.floor(entry.buf.byteLength / size);
  if (big) return (entry.i64 = new BigInt64Array(entry.buf, 0, length));
  return (entry.i32 = new Int32Array(entry.buf, 0, length));
}

port.listen((m) => {
  if ('ctrl' in m) {
    ctrl = new Int32Array(m.ctrl);
    ctrl64 = new BigInt64Array(m.ctrl);
    ctrlF64 = new Float64Array(m.ctrl);
    idle = m.idle;
  } else {
    buffers.set(m.id, { buf: m.buf });
  }
  run();
});

/** Claims up to `max` unclaimed waiters (CAS on PENDING); returns how many it got. */
function claim(max: number): number {
  for (;;) {
    const p = Atomics.load(ctrl, PENDING);
    const n = p < max ? p : max;
    if (n === 0) return 0;
    if (Atomics.compareExchange(ctrl, PENDING, p, p - n) === p) return n;
  }
}

/** Claims every unclaimed waiter but those registered since WSEQ read `seen` (at the tail). */
function claimOlder(seen: number): number {
  for (;;) {
    const p = Atomics.load(ctrl, PENDING);
    // Read after PENDING, in each try: the agent bumps WSEQ before PENDING, so every waiter p
    // counts is counted here too (read once, before the loop, a waiter added in between was claimed).
    const n = p - (Atomics.load(ctrl, WSEQ) - seen);
    if (n <= 0) return 0;
    if (Atomics.compareExchange(ctrl, PENDING, p, p - n) === p) return n;
  }
}

/** Gives the address back when nothing is pending; false if the agent added a waiter meanwhile. */
function tryPark(): boolean {
  if (Atomics.compareExchange(ctrl, STATE, ARMED, PARKED) !== ARMED) return true;
  if (Atomics.load(ctrl, PENDING) === 0) return true;
  // A waiter arrived while we parked: take the address back unless the agent already re-armed us.
  return Atomics.compareExchange(ctrl, STATE, PARKED, ARMED) !== PARKED;
}

/** Returns false when the buffer it needs has not arrived yet (the message that brings it re-runs us). */
function serveArmed(): boolean {
  const buf = buffers.get(Atomics.load(ctrl, BUF_ID));
  if (!buf) return false;
  const index = Atomics.load(ctrl, INDEX);
  const addr = Atomics.load(ctrl, ADDR_ID);
  const big = Atomics.load(ctrl, KIND) === KIND_I64;
  const view = viewOf(buf, big, index);
  for (;;) {
    if (Atomics.load(ctrl, PENDING) === 0 && tryPark()) return true;
    Atomics.store(ctrl, BLOCKED, 1);
    if (Atomics.load(ctrl, PENDING) === 0) { // Dekker pair with the agent's drain of PENDING
      Atomics.store(ctrl, BLOCKED, 0);
      continue;
    }
    // Re-read every time: the agent writes the newest waiter's value as each waiter arrives, so a
    // helper that stayed armed never blocks on a value from an earlier round.
    const seen = Atomics.load(ctrl, WSEQ);
    const value = big ? Atomics.load(ctrl64, VALUE_I64) : Atomics.load(ctrl, VALUE_I32);
    // The agent owns timeouts; the helper only bounds how long it can stay blocked for waiters
    // that are gone: until their latest deadline, and at most `idle` ms a slice, after which it
    // blocks again or, with nothing pending, parks (no thread is ever killed while in a wait
    // queue, where a notify could still count it).
    const left = ctrlF64[DEADLINE_F64] - clock();
    // Never under MIN_SLICE: with idleTimeout 0 the helper would spin instead of blocking.
    const want = left > 0 ? (left < idle ? left : idle) : MIN_SLICE;
    const slice = want > MIN_SLICE ? want : MIN_SLICE;
    const r = Atomics.wait(view as Int32Array, index, value as number, slice);
    Atomics.store(ctrl, BLOCKED, 0);
    if (r === 'ok') {
      if (Atomics.exchange(ctrl, EVICT, 0) === 1) { // our own agent's notify: it may be waiting on this
        Atomics.notify(ctrl, EVICT);
        continue;
      }
      const n = claim(1);
      if (n) port.post({ a: addr, n });
      else Atomics.notify(view as Int32Array, index, 1); // stale: pass on the wake we absorbed
    } else if (r === 'not-equal') {
      // The value changed before we blocked: a notify may have come and gone. Count it as a wakeup
      // for every waiter we stand for rather than risk losing one (store-then-notify).
      // Waiters added since we read the value (the newest, at the tail) saw the memory as it is
      // now: they are left for the next round of the loop to judge.
      const n = claimOlder(seen);
      if (n) port.post({ a: addr, n });
    }
    // Timed out (a slice ended): block again on the same value. Had we re-blocked on the memory as
    // it is, a store landing just before the slice ended would be taken as the baseline and the
    // notify right behind it lost; a changed value instead reads as 'not-equal', a wakeup.
  }
}

function run(): void {
  if (running || !ctrl) return;
  running = true;
  try {
    for (;;) {
      const s = Atomics.load(ctrl, CMD_SEQ);
      if (s !== seq) {
        if (!serveArmed()) return; // waiting for a buffer message
        seq = s;
        continue;
      }
      const r = Atomics.wait(ctrl, CMD_SEQ, seq, idle);
      if (r === 'timed-out' && Atomics.compareExchange(ctrl, STATE, PARKED, RETIRED) === PARKED) {
        port.post({ retired: true });
        port.close();
        return;
      }
    }
  } finally {
    running = false;
  }
}

port.post({ ready: true });
