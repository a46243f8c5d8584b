// Waiter records and the per-address FIFO. Invariant: an address's list holds exactly its
// unsettled waiters in call order, and `armed` holds the helpers standing for some of them in the
// order they joined the native wait queue (the oldest first); a waiter is settled exactly once.
import type { Timed } from '../deadlines';
import { SafeMap, SafeWeakMap } from '../intrinsics';
import type { Helper } from './pool';

export type Outcome = 'ok' | 'timed-out';
export type Value = number | bigint;

export interface Waiter extends Timed {
  readonly token: number;
  /** Order of registration among all of this agent's waiters (compared with Helper.armSeq). */
  readonly seq: number;
  readonly address: Address;
  /** Element index in a view of `kind` over the whole buffer (views of both kinds may alias one address). */
  readonly index: number;
  readonly kind: number;
  readonly value: Value;
  helper: Helper | null;
  /** Its place among the helpers' tickets (protocol.ts): a waiter registered after a wake was seen came after its notify. */
  ticket: number;
  /** Steps waited past the deadline for the helper to leave the queue (Engine.expire). */
  expireWait?: number;
  /** Another helper of the address was bound when it registered (see Address.uncoveredAt). */
  readonly covered: boolean;
  done: boolean;
  resolve: (o: Outcome) => void;
  /** It may be aborted (waitFor with a signal): its helper blocks in slices (protocol.ts, SLICED). */
  readonly abortable: boolean;
  /** Only for cancellable waits (waitFor): rejects with the abort reason. */
  reject: ((reason: unknown) => void) | undefined;
  prev: Waiter | null;
  next: Waiter | null;
}

export class Address {
  head: Waiter | null = null;
  tail: Waiter | null = null;
  length = 0;
  /** Helpers standing for waiters here, oldest in the native queue first. */
  readonly armed: Helper[] = [];
  /** Helpers taken off a waiter while queued here (CANCELLED, or dying): a notify may still count them. */
  readonly stale: Helper[] = [];
  /**
   * Registration order (Waiter.seq) when `armed` last became empty, or a helper of it left the
   * queue at a moment the agent did not see (Engine.detach): no helper of ours is known to have
   * stood here since.
   */
  uncoveredAt = 0;
  /** Wakes of ours our own notify caused and whose message has not come yet. */
  ownCredit = 0;
  /** The timer that will judge the wakes landing together (see Engine.judge). */
  judgeTimer: unknown = undefined;

  constructor(readonly buffer: SharedArrayBuffer, readonly byteIndex: number) {}

  /** Takes a helper off this address's armed list. */
  unarm(h: Helper, seq: number): void {
    for (let i = 0; i < this.armed.length; i++) {
      if (this.armed[i] !== h) continue;
      for (let j = i + 1; j < this.armed.length; j++) this.armed[j - 1] = this.armed[j];
      this.armed.length--;
      if (!this.armed.length) this.uncoveredAt = seq;
      return;
    }
  }

  push(w: Waiter): void {
    w.prev = this.tail;
    if (this.tail) this.tail.next = w;
    else this.head = w;
    this.tail = w;
    this.length++;
  }

  unlink(w: Waiter): void {
    if (w.prev) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.tail = w.prev;
    w.prev = w.next = null;
    this.length--;
  }

  /** The oldest waiter no helper stands for. Armed waiters are mostly the oldest: a short scan. */
  firstUnarmed(): Waiter | null {
    let w = this.head;
    while (w && w.helper) w = w.next;
    return w;
  }
}

/** Addresses by (buffer, byte index): views of any offset or element type on the same bytes share one. */
export class AddressTable {
  private readonly byBuffer = new SafeWeakMap<SharedArrayBuffer, SafeMap<number, Address>>();
  /** Addresses with waiters, for stats() and uninstall (a WeakMap cannot be walked). */
  readonly live = new SafeMap<Address, true>();

  get(buffer: SharedArrayBuffer, byteIndex: number): Address | undefined {
    const m = this.byBuffer.get(buffer);
    return m && m.get(byteIndex);
  }

  getOrCreate(buffer: SharedArrayBuffer, byteIndex: number): Address {
    let m = this.byBuffer.get(buffer);
    if (!m) this.byBuffer.set(buffer, (m = new SafeMap()));
    let a = m.get(byteIndex);
    if (!a) {
      m.set(byteIndex, (a = new Address(buffer, byteIndex)));
      this.live.set(a, true);
    }
    return a;
  }

  /** Drops an address that has no waiters and no helpers left. */
  forgetIfIdle(a: Address): void {
    if (a.length || a.armed.length || a.stale.length || a.judgeTimer !== undefined) return;
    const m = this.byBuffer.get(a.buffer);
    if (m && m.get(a.byteIndex) === a) {
      m.delete(a.byteIndex);
      if (!m.size) this.byBuffer.delete(a.buffer);
    }
    this.live.delete(a);
  }
}
