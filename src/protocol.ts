// Layout of a helper's private control block, shared by the agent (src/helpers.ts) and the
// helper thread (src/helper/worker.ts). One Int32Array over a 64-byte SharedArrayBuffer.

export const CTRL_BYTES = 64;

/** Int32 slots. */
export const CMD_SEQ = 0; // bumped by the agent to hand a parked helper a new address
export const STATE = 1; // PARKED | ARMED | RETIRED, changed by CAS on both sides
export const PENDING = 2; // local waiters not yet claimed by a wake: the helper's mandate
export const BLOCKED = 3; // 1 while the helper is (about to be) blocked on the user address
export const BUF_ID = 4;
export const INDEX = 5; // element index in a view of KIND over the user buffer
export const KIND = 6; // KIND_I32 | KIND_I64
export const ADDR_ID = 7; // the agent's id for the address, echoed in wake messages
export const VALUE_I32 = 8;
export const EVICT = 9; // set by the agent before its own notify-all wakes a stale helper
export const WSEQ = 10; // bumped by the agent for every waiter it adds (after writing VALUE)

/** BigInt64 slot (index in a BigInt64Array view) for a BigInt64Array expected value. */
export const VALUE_I64 = 6; // bytes 48..55
/** Float64 slot: the earliest deadline of the armed waiters, on the shared clock, or +∞. */
export const DEADLINE_F64 = 7; // bytes 56..63

export const PARKED = 0;
export const ARMED = 1;
export const RETIRED = 2;

export const KIND_I32 = 0;
export const KIND_I64 = 1;

/** Messages from a helper to its agent. */
export interface WakeMessage { a: number; n: number } // n local waiters at address a woke
export interface RetiredMessage { retired: true }
export interface ReadyMessage { ready: true }
export type HelperMessage = WakeMessage | RetiredMessage | ReadyMessage;

/** Messages from the agent to a helper. */
export interface InitMessage { ctrl: SharedArrayBuffer; idle: number }
export interface BufferMessage { id: number; buf: SharedArrayBuffer }
export type AgentMessage = InitMessage | BufferMessage;
