// The wire between an agent and one helper thread: the helper's private control block (one
// 64-byte SharedArrayBuffer), the STATE machine both sides move by CAS, and the tagged messages.
// Shared by the agent (src/engine/pool.ts) and the helper (src/helper/worker.ts); docs/protocol.md
// draws the machine and lists the ordering rules.
//
// A helper stands for exactly one waiter at a time. Who moves STATE from what to what:
//
//   from       to         by      when
//   PARKED     ARMING     agent   it hands the helper a waiter (fields written first)
//   PARKED     RETIRED    helper  idle for idleTimeout ms; it then exits
//   ARMING     BLOCKED    helper  the memory still holds the value; it notifies STATE, then blocks
//   ARMING     CHANGED    helper  the memory no longer holds the value (never blocked)
//   ARMING     CANCELLED  agent   the waiter settled before the helper picked it up
//   BLOCKED    WOKEN      helper  its Atomics.wait returned "ok": it posts its token (a wake)
//   BLOCKED    EXPIRED    helper  the waiter's deadline passed in the helper: it left the queue
//   BLOCKED    CHANGED    helper  the value changed between its check and its block
//   BLOCKED    CANCELLED  agent   the waiter settled (timeout, abort, uninstall) while it was queued
//   CANCELLED  PARKED     helper  once out of the wait queue; a wake it absorbed is passed on
//   WOKEN | EXPIRED | CHANGED
//              PARKED     agent   after settling (or deciding) the waiter
//              ARMING     agent   the same, handing it the next waiter at once
//
// WOKEN, EXPIRED and CHANGED belong to the agent: the helper sleeps on STATE until the agent moves
// it on, so the agent always knows which waiter a helper's outcome was for.

/**
 * How a helper thread is marked at its start (Node: its workerData; browsers: its Worker name), so
 * that the package, loaded there anyway by a preload or a bundler, knows it is in a helper and
 * installs and starts nothing (DESIGN §2 v3, 8: helpers are not apps).
 */
export const HELPER_MARK = 'atomics-wait-async helper';

export const CTRL_BYTES = 64;

/** Int32 slots. */
export const STATE = 0;
export const BUF_ID = 1; // the agent's id for the user buffer (sent once per helper in a 'buffer' message)
export const INDEX = 2; // element index in a view of KIND over the whole buffer
export const KIND = 3; // KIND_I32 | KIND_I64
export const VALUE_I32 = 4;
export const TOKEN = 5; // the waiter's id, echoed in messages
/**
 * Tickets from the agent's shared counter (the init message's `tickets`), taken just before the
 * helper blocks and just after its wait returned "ok": one order for the events of all the
 * agent's helpers, which no thread's clock gives (each worker's performance.now() has its own
 * origin). Int32, compared wrap-safe (see `before`).
 */
export const BLOCKED_AT = 10; // bytes 40..43
export const WOKE_AT = 11; // bytes 44..47
/** How many 'buffer' messages the helper has received: the agent knows which it has (Pool.knows). */
export const BUFFERS_IN = 12; // bytes 48..51
/**
 * 1 for a waiter that may be aborted (waitFor with a signal): its helper blocks in slices of
 * idleTimeout, so that one whose waiter is gone leaves the queue in bounded time, at the price of
 * rejoining the queue's tail after each slice. 0 (every waitAsync): one block until the deadline,
 * keeping its FIFO place.
 */
export const SLICED = 13; // bytes 52..55
/** BigInt64 slot (bytes 24..31, Int32 slots 6 and 7): the expected value of a BigInt64Array waiter. */
export const VALUE_I64 = 3;
/**
 * Float64 slot, read and written as the bits of a BigInt64 (atomically: the agent may move it
 * while the helper blocks): the waiter's deadline on the clock threads share (timeOrigin +
 * performance.now()), or +∞; a helper that picks its waiter up late must still leave the queue
 * at the deadline.
 */
export const DEADLINE_F64 = 4; // bytes 32..39 (Int32 slots 8 and 9)

export const PARKED = 0;
export const ARMING = 1;
export const BLOCKED = 2;
export const WOKEN = 3;
export const EXPIRED = 4;
export const CHANGED = 5;
export const CANCELLED = 6;
export const RETIRED = 7;

export const KIND_I32 = 0;
export const KIND_I64 = 1;

/**
 * Messages from a helper to its agent. A wake, the hot path, is its token alone: a bare number
 * crosses faster than an object (bench/hop: Node 17.7 vs 20.8 µs, Firefox 153 24.8 vs 33.5 µs).
 */
export type HelperMessage =
  | number
  | { type: 'ready' } // sent once init arrived: an armed helper can then be served
  | { type: 'changed'; token: number }
  | { type: 'retired' };

/** Messages from the agent to a helper. */
export type AgentMessage =
  | { type: 'init'; ctrl: SharedArrayBuffer; tickets: SharedArrayBuffer; idle: number }
  | { type: 'buffer'; id: number; buf: SharedArrayBuffer }
  | { type: 'forget'; id: number }; // the agent no longer has it: no waiter will need it

/** Ticket a was taken before ticket b (Int32 tickets wrap). */
export function before(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}
