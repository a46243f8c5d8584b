// The helper thread: it stands for one waiter of its agent at a time, blocked in Atomics.wait on
// the real memory, so a notify from any thread finds it in the native wait queue in FIFO order
// and counts it exactly as it would count a native waiter. The STATE machine is in
// src/engine/protocol.ts; between waiters the helper sleeps on its own STATE word.
import {
  ARMING, BLOCKED, BLOCKED_AT, BUFFERS_IN, BUF_ID, CANCELLED, CHANGED, EXPIRED, INDEX, KIND, KIND_I64,
  PARKED, DEADLINE_F64, RETIRED, SLICED, STATE, TOKEN, VALUE_I32, VALUE_I64, WOKE_AT, WOKEN,
} from '../engine/protocol';
// This host's channel and clock (host-node.ts or host-web.ts, picked when the helper is built).
import { clock, port } from 'helper:host';

/** Shortest time a helper blocks on a user address at a time, in ms (an abortable waiter's). */
const MIN_SLICE = 20;
/** How long a helper blocks at a time for a waiter that cannot be aborted, in ms. */
const LONG_SLICE = 60000;
let ctrl: Int32Array;
let ctrl64: BigInt64Array;
/** Scratch for the deadline's bits: the agent may move it while we block (Engine.swap), so it is read atomically. */
const bits = new BigInt64Array(1);
const bitsF64 = new Float64Array(bits.buffer);
let tickets: Int32Array;
let idle = 2000;
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
  if (m.type === 'init') {
    ctrl = new Int32Array(m.ctrl);
    ctrl64 = new BigInt64Array(m.ctrl);
    tickets = new Int32Array(m.tickets);
    idle = m.idle;
    // Ready once the control block is here, not when the script runs: in Chromium a nested
    // worker's first messages (the port, then init) can arrive after a 'ready' posted at start
    // reached the agent, which, if it then waits for this helper to block, waits in vain.
    port.post({ type: 'ready' });
  } else if (m.type === 'forget') {
    buffers.delete(m.id); // a wait still queued on it keeps its own view
  } else {
    buffers.set(m.id, { buf: m.buf });
    Atomics.add(ctrl, BUFFERS_IN, 1);
  }
  run();
});

const cas = (from: number, to: number) => Atomics.compareExchange(ctrl, STATE, from, to) === from;

/**
 * Serves the waiter the agent armed us with until its outcome is known. Returns false when the
 * buffer it needs has not arrived yet (the message that brings it runs us again).
 */
function serve(): boolean {
  const entry = buffers.get(Atomics.load(ctrl, BUF_ID));
  if (!entry) return false;
  const big = Atomics.load(ctrl, KIND) === KIND_I64;
  const index = Atomics.load(ctrl, INDEX);
  const view = viewOf(entry, big, index) as Int32Array;
  let value = (big ? Atomics.load(ctrl64, VALUE_I64) : Atomics.load(ctrl, VALUE_I32)) as number;
  const token = Atomics.load(ctrl, TOKEN);
  // The agent's deadline, so that a helper that picked its waiter up late leaves the queue in time.
  let deadline = readDeadline();
  // Checked before BLOCKED is published: the agent, waiting inside waitAsync, can still answer
  // "not-equal" (the store linearizes before the call) instead of inventing a wakeup.
  if (Atomics.load(view, index) !== value) {
    if (cas(ARMING, CHANGED)) {
      Atomics.notify(ctrl, STATE);
      port.post({ type: 'changed', token });
    }
    return true;
  }
  Atomics.store(ctrl, BLOCKED_AT, Atomics.add(tickets, 0, 1));
  if (!cas(ARMING, BLOCKED)) return true; // cancelled before we got here
  // No notify of the agent here: it polls. Waking it now could preempt this thread on its way
  // into the wait queue, and the agent would return from waitAsync with its waiter not yet queued.
  // Slices bound how long a helper stays queued for a waiter that is gone (an abort; rarely, one
  // the agent settled without this helper's report): the agent cannot take it out of the queue,
  // only its own timeout can. Each slice rejoins the queue's tail, so only a waiter that may be
  // aborted gets short ones (protocol.ts, SLICED); the others keep their FIFO place for a minute.
  let resliced = false;
  for (;;) {
    // Read each time: the agent may hand our place to another waiter (Engine.swap).
    const span = Atomics.load(ctrl, SLICED) === 1 ? (idle > MIN_SLICE ? idle : MIN_SLICE) : LONG_SLICE;
    const left = deadline - clock();
    const slice = left < span ? (left > 0 ? left : 0) : span;
    const r = Atomics.wait(view, index, value, slice);
    if (r === 'ok') {
      Atomics.store(ctrl, WOKE_AT, Atomics.add(tickets, 0, 1));
      if (cas(BLOCKED, WOKEN)) port.post(token);
      else Atomics.notify(view, index, 1); // the waiter was gone: pass the wake we absorbed on
      return true;
    }
    if (Atomics.load(ctrl, STATE) !== BLOCKED) return true; // cancelled: the run loop parks us
    // The agent may have handed our place to a waiter with a later deadline (Engine.swap).
    deadline = readDeadline();
    if (r === 'not-equal') {
      // After a slice we were queued through the change, so it was no wakeup: block on the new
      // value. Before the first block, only the agent can judge it (its other helpers).
      if (resliced) { value = Atomics.load(view, index); continue; }
      if (cas(BLOCKED, CHANGED)) {
        Atomics.notify(ctrl, STATE); // the agent may be waiting inside waitAsync (awaitChanged)
        port.post({ type: 'changed', token });
      }
      return true;
    }
    if (clock() >= deadline) {
      cas(BLOCKED, EXPIRED); // out of the queue at the deadline: the agent's timer settles it
      return true;
    }
    resliced = true;
    Atomics.store(ctrl, BLOCKED_AT, Atomics.add(tickets, 0, 1)); // it joins the queue's tail again
  }
}

function readDeadline(): number {
  bits[0] = Atomics.load(ctrl64, DEADLINE_F64);
  return bitsF64[0];
}

function run(): void {
  if (running || !ctrl) return;
  running = true;
  try {
    for (;;) {
      const s = Atomics.load(ctrl, STATE);
      if (s === ARMING) {
        if (!serve()) return; // waiting for a buffer message
      } else if (s === PARKED) {
        if (Atomics.wait(ctrl, STATE, PARKED, idle) === 'timed-out' && cas(PARKED, RETIRED)) {
          port.post({ type: 'retired' });
          port.close();
          return;
        }
      } else if (s === CANCELLED) {
        cas(CANCELLED, PARKED);
      } else if (s === WOKEN || s === EXPIRED || s === CHANGED) {
        Atomics.wait(ctrl, STATE, s); // the agent's move
      } else {
        return; // RETIRED (BLOCKED is only ever ours inside serve())
      }
    }
  } finally {
    running = false;
  }
}

