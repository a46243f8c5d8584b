// The agent-local half of the shim: FIFO waiter lists keyed by (buffer, byte index), the helper
// pool that stands for them toward other agents, and the claim protocol that keeps both exact.
//
// Accounting per address with a helper: every unsettled waiter is either *unclaimed* (counted in
// the helper's PENDING word) or *claimed in flight* (a helper woke for it and its message is on
// the way). Claims always take the oldest unclaimed waiter, so in the FIFO the claimed ones are
// the first `length - PENDING`. Agent and helper take claims with CAS on PENDING.
import { now, resolution, timeOrigin } from './clock';
import { config } from './config';
import { Deadlines } from './deadlines';
import {
  Atom, MathMin, PromiseCtor, SafeMap, SafeSet, SafeWeakMap, aAdd, aCompareExchange, aExchange, aLoad,
  aNotify, aStore, arrayCopy, arrayRemove, call, nativeNotify, nativeWait,
} from './intrinsics';
import * as P from './protocol';
import type { HelperHandle, Platform } from './platform/types';

export type Outcome = 'ok' | 'timed-out';

/** Helpers that may die in a row, none answering in between, before the engine stops spawning. */
const FAIL_STREAK_LIMIT = 5;
/** How long a same-agent notify waits for its stale helper to take an eviction: sleeping, or spinning where this thread may not block (a window). */
const EVICT_WAIT_MS = 10;
const EVICT_SPIN_MS = 0.5;
/** Whether Atomics.wait may block this thread (not a browser window's main thread); probed on first need. */
let canBlock: boolean | undefined;
function mayBlock(): boolean {
  if (canBlock === undefined) {
    try {
      call(nativeWait, Atom, new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}

/** The address's element as it is now, read as an Int32 or a BigInt64 (views of both kinds may alias it). */
function readMemory(addr: { buffer: SharedArrayBuffer; byteIndex: number }, big: boolean): Value {
  return big
    ? aLoad(new BigInt64Array(addr.buffer, addr.byteIndex, 1), 0)
    : aLoad(new Int32Array(addr.buffer, addr.byteIndex, 1), 0);
}
/** How often addresses waiting for a helper (maxHelpers reached) look for a free one, in ms. */
const STARVED_POLL_MS = 5;
type Value = number | bigint;

interface Waiter {
  value: Value;
  deadline: number;
  heapIndex: number;
  resolve: (o: Outcome) => void;
  done: boolean;
  /** Only for cancellable waits (waitFor): rejects with the abort reason. */
  reject?: (reason: unknown) => void;
  prev: Waiter | null;
  next: Waiter | null;
  address: Address;
}

class Address {
  head: Waiter | null = null;
  tail: Waiter | null = null;
  length = 0;
  helper: Helper | null = null;
  /** Claims settled ahead of their message (a claimed waiter reached its deadline first). */
  credit = 0;
  /** Latest deadline among waiters since the list was last empty: how long a helper may block. */
  latest = -Infinity;
  /** In the queue of addresses waiting for a helper (maxHelpers reached). */
  starved = false;

  constructor(
    readonly id: number,
    readonly buffer: SharedArrayBuffer,
    readonly byteIndex: number,
    readonly kind: number,
  ) {}

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

  nth(i: number): Waiter | null {
    let w = this.head;
    while (w && i-- > 0) w = w.next;
    return w;
  }

  /** True if w is among the first n waiters. */
  within(w: Waiter, n: number): boolean {
    for (let x = this.head; x && n > 0; x = x.next, n--) if (x === w) return true;
    return false;
  }
}

class Helper {
  readonly ctrl: Int32Array;
  readonly ctrl64: BigInt64Array;
  readonly ctrlF64: Float64Array;
  readonly known = new SafeSet<number>();
  address: Address | null = null;
  alive = true;
  handle!: HelperHandle;

  constructor(readonly sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab);
    this.ctrl64 = new BigInt64Array(sab);
    this.ctrlF64 = new Float64Array(sab);
  }

  get pending(): number {
    return aLoad(this.ctrl, P.PENDING);
  }
}

export interface Stats {
  /** Helper threads alive (parked or armed). */
  helpers: number;
  /** Helpers currently standing for an address. */
  armed: number;
  /** Helpers blocked (or about to block) in Atomics.wait on a user address right now. */
  blocked: number;
  /** Async waiters of this agent not yet settled. */
  pending: number;
  /** One entry per address with pending waiters. */
  addresses: Array<{
    buffer: SharedArrayBuffer; byteIndex: number; waiters: number; helper: boolean;
    /** Waiters a helper has woken whose message has not reached this agent yet. */
    claimed: number;
  }>;
}

export class Engine {
  private readonly registry = new SafeWeakMap<SharedArrayBuffer, SafeMap<number, Address>>();
  private readonly byId = new SafeMap<number, Address>();
  private readonly bufferIds = new SafeWeakMap<SharedArrayBuffer, number>();
  private readonly helpers: Helper[] = [];
  private readonly deadlines: Deadlines<Waiter>;
  private nextId = 1;
  private pending = 0;
  /** Helpers that died in a row with no helper answering in between. */
  private failStreak = 0;
  /** Addresses with waiters but no helper because maxHelpers was reached, oldest first. */
  private readonly starved: Address[] = [];
  private starvedTimer: unknown = undefined;
  /** Set when a helper could not start; later waits throw it instead of hanging. */
  spawnError: Error | undefined;

  constructor(readonly platform: Platform) {
    this.deadlines = new Deadlines<Waiter>(platform, (w) => this.expire(w));
  }

  // ---- waitAsync's async path -------------------------------------------------------------

  /** Registers an async waiter; `t` is the timeout in ms (> 0, maybe +∞). */
  enqueue(buffer: SharedArrayBuffer, byteIndex: number, kind: number, value: Value, t: number): Promise<Outcome> {
    return this.register(buffer, byteIndex, kind, value, t, false).promise;
  }

  /**
   * A wait that can be withdrawn (beyond the spec: waitFor's AbortSignal). `cancel` removes the
   * waiter so it can never absorb a notify meant for someone else, and rejects with `reason`;
   * it returns false (and changes nothing) if the waiter was already woken.
   */
  enqueueCancellable(buffer: SharedArrayBuffer, byteIndex: number, kind: number, value: Value, t: number):
    { promise: Promise<Outcome>; cancel(reason: unknown): boolean } {
    const { promise, waiter } = this.register(buffer, byteIndex, kind, value, t, true);
    return {
      promise,
      cancel: (reason) => {
        if (waiter.done) return false;
        if (!this.withdraw(waiter)) return false;
        this.settle(waiter, reason, true);
        return true;
      },
    };
  }

  private register(buffer: SharedArrayBuffer, byteIndex: number, kind: number, value: Value, t: number, cancellable: boolean):
    { promise: Promise<Outcome>; waiter: Waiter } {
    if (this.spawnError) throw this.spawnError;
    let list = this.registry.get(buffer);
    if (!list) this.registry.set(buffer, (list = new SafeMap()));
    let addr = list.get(byteIndex);
    const fresh = !addr;
    if (!addr) {
      addr = new Address(this.nextId++, buffer, byteIndex, kind);
      list.set(byteIndex, addr);
      this.byId.set(addr.id, addr);
    }
    let helper = addr.helper;
    if (!helper) {
      try {
        helper = this.acquire();
      } catch (e) {
        if (fresh) this.forget(addr);
        throw e;
      }
    }
    let resolve!: (o: Outcome) => void;
    let reject: ((e: unknown) => void) | undefined;
    const promise = new PromiseCtor<Outcome>((res, rej) => { resolve = res; if (cancellable) reject = rej; });
    const deadline = now() + t + resolution;
    const w: Waiter = { value, deadline, heapIndex: -1, resolve, reject, done: false, prev: null, next: null, address: addr };
    addr.push(w);
    // This call read a value the previous waiter did not see: the memory changed after every
    // older waiter registered, and the helper (blocked on the newest value, or not blocked yet)
    // may have missed the notify paired with that change. A wakeup for all of them, as when the
    // helper itself finds the value changed: store-then-notify is never lost.
    if (w.prev && !this.holds(addr, w.prev.value, value)) this.wakeOlder(addr, w);
    if (deadline !== Infinity) this.deadlines.add(w);
    if (deadline > addr.latest) {
      addr.latest = deadline;
      if (helper) helper.ctrlF64[P.DEADLINE_F64] = deadline + timeOrigin;
    }
    this.count(+1);
    if (!helper) {
      this.starve(addr);
    } else if (addr.helper === helper) {
      // The helper blocks on the newest waiter's value (the memory as it was at that waiter's
      // call). If the memory differs, it changed after every waiter registered, so each may have
      // missed the notify paired with that change (store-then-notify): the helper wakes them all.
      // An older waiter's value would also wake waiters registered after a silent store.
      this.writeValue(helper, addr, w);
      aAdd(helper.ctrl, P.WSEQ, 1);
      aAdd(helper.ctrl, P.PENDING, 1);
      if (aCompareExchange(helper.ctrl, P.STATE, P.PARKED, P.ARMED) === P.PARKED) {
        this.arm(helper, addr);
      }
    } else {
      this.attach(helper, addr, addr.length);
    }
    return { promise, waiter: w };
  }

  /** Whether the memory still holds `old`, an older waiter's value, given `cur` just read for a new one. */
  private holds(addr: Address, old: Value, cur: Value): boolean {
    if (typeof old === typeof cur) return old === cur;
    return old === readMemory(addr, typeof old === 'bigint');
  }

  /** Settles "ok" every waiter older than `w` that no helper has claimed yet, oldest first. */
  private wakeOlder(addr: Address, w: Waiter): void {
    const helper = addr.helper;
    // w is not in PENDING yet: the unclaimed are the `n` right before it.
    let n = helper ? aExchange(helper.ctrl, P.PENDING, 0) : addr.length - 1;
    let x = w.prev;
    for (let i = 1; i < n && x; i++) x = x.prev;
    while (n-- > 0 && x && x !== w) {
      const next = x.next;
      this.settle(x, 'ok');
      x = next;
    }
  }

  // ---- notify --------------------------------------------------------------------------------

  /**
   * Settles up to `count` of this agent's waiters on the address, oldest first, synchronously.
   * Returns how many, and our own helper if it is left blocked there with nothing to stand for
   * (the caller's native notify of the rest may wake it, and must not count it).
   */
  wakeLocal(buffer: SharedArrayBuffer, byteIndex: number, count: number): { n: number; stale: Helper | null } {
    const addr = this.registry.get(buffer)?.get(byteIndex);
    if (!addr) return { n: 0, stale: null };
    let n = 0;
    const helper = addr.helper;
    while (n < count) {
      let w: Waiter | null;
      if (helper) {
        const p = aLoad(helper.ctrl, P.PENDING);
        if (p === 0) break;
        if (aCompareExchange(helper.ctrl, P.PENDING, p, p - 1) !== p) continue;
        w = addr.nth(addr.length - p);
      } else {
        w = addr.head;
      }
      if (!w) break;
      this.settle(w, 'ok');
      n++;
    }
    if (helper && aLoad(helper.ctrl, P.PENDING) === 0 && aLoad(helper.ctrl, P.BLOCKED) === 1) {
      return { n, stale: helper };
    }
    return { n, stale: null };
  }

  /**
   * Native notify for the part of `count` our own waiters did not take. Our own stale helper,
   * blocked on the address, may be woken and counted too: EVICT tells it not to pass that wake on.
   * We ask for `rest` only (asking one more over-wakes when our helper queues behind the others),
   * and if ours took a place, one more native notify makes up for it.
   */
  notifyOthers(typedArray: unknown, index: number, rest: number, stale: Helper | null): number {
    if (!stale) return call<number>(nativeNotify, Atom, typedArray, index, rest);
    aStore(stale.ctrl, P.EVICT, 1);
    const m = call<number>(nativeNotify, Atom, typedArray, index, rest);
    if (m === 0) {
      aCompareExchange(stale.ctrl, P.EVICT, 1, 0); // it had not reached Atomics.wait yet
      return 0;
    }
    // BLOCKED = 1 also covers a helper about to enter Atomics.wait, so ours was among the m only
    // if it takes the eviction. Not taken in time: it was behind the others or not queued yet
    // (EVICT is reset, or it would drop a later real wake), or it is slow and will pass ours on.
    if (!this.evicted(stale)) return m;
    // If it took one of `rest` places, one more native notify makes up for it.
    return m < rest ? m - 1 : m - 1 + call<number>(nativeNotify, Atom, typedArray, index, 1);
  }

  /** Waits a moment for the helper to take EVICT; resets it if not. True if the helper took it. */
  private evicted(h: Helper): boolean {
    const block = mayBlock();
    const until = now() + (block ? EVICT_WAIT_MS : EVICT_SPIN_MS);
    for (let left = until - now(); aLoad(h.ctrl, P.EVICT) === 1 && left > 0; left = until - now()) {
      // Sleeping (where this thread may) gives the helper the core; it notifies EVICT when it takes it.
      if (block) call(nativeWait, Atom, h.ctrl, P.EVICT, 1, left);
    }
    return aCompareExchange(h.ctrl, P.EVICT, 1, 0) === 0;
  }

  // ---- settling --------------------------------------------------------------------------------

  private settle(w: Waiter, outcome: unknown, rejected = false): void {
    const addr = w.address;
    w.done = true;
    addr.unlink(w);
    this.deadlines.remove(w);
    this.count(-1);
    if (rejected) w.reject!(outcome);
    else w.resolve(outcome as Outcome);
    if (!addr.length) {
      addr.latest = -Infinity;
      if (!addr.helper) this.forget(addr);
    }
  }

  private expire(w: Waiter): void {
    if (!this.withdraw(w)) return;
    this.settle(w, 'timed-out');
  }

  /**
   * Takes an unclaimed waiter out of its helper's mandate (CAS on PENDING). If a helper already
   * claimed it, its wake came first: it settles "ok" now (its message will find the credit) and
   * this returns false.
   */
  private withdraw(w: Waiter): boolean {
    const addr = w.address;
    const helper = addr.helper;
    if (!helper) return true;
    for (;;) {
      const p = aLoad(helper.ctrl, P.PENDING);
      if (addr.within(w, addr.length - p)) {
        addr.credit++;
        this.settle(w, 'ok');
        return false;
      }
      if (aCompareExchange(helper.ctrl, P.PENDING, p, p - 1) === p) return true;
    }
  }

  private onWake(id: number, n: number): void {
    const addr = this.byId.get(id);
    if (!addr) return;
    const k = MathMin(n, addr.credit);
    addr.credit -= k;
    n -= k;
    while (n-- > 0 && addr.head) this.settle(addr.head, 'ok');
  }

  private forget(addr: Address): void {
    const list = this.registry.get(addr.buffer);
    if (list && list.get(addr.byteIndex) === addr) {
      list.delete(addr.byteIndex);
      if (!list.size) this.registry.delete(addr.buffer);
    }
    this.byId.delete(addr.id);
  }

  private count(d: number): void {
    const before = this.pending;
    this.pending += d;
    if (config.keepAlive && (before === 0) !== (this.pending === 0)) this.platform.keepAlive(this.pending > 0);
  }

  refreshKeepAlive(): void {
    this.platform.keepAlive(config.keepAlive && this.pending > 0);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * A parked helper whose old address has nothing in flight, else a new one: returned ARMED.
   * Null when maxHelpers are all standing for other addresses.
   */
  private acquire(): Helper | null {
    const helpers = this.helpers;
    for (let i = 0; i < helpers.length; i++) {
      const h = helpers[i];
      const old = h.address;
      if (old && old.length) continue;
      if (aCompareExchange(h.ctrl, P.STATE, P.PARKED, P.ARMED) !== P.PARKED) continue;
      if (old) this.detach(h);
      return h;
    }
    if (this.helpers.length >= config.maxHelpers) return null;
    return this.spawn(P.ARMED);
  }

  /** Makes `h` stand for `addr`'s `pending` unclaimed waiters and sends it there. */
  private attach(h: Helper, addr: Address, pending: number): void {
    addr.helper = h;
    h.address = addr;
    aStore(h.ctrl, P.PENDING, pending);
    this.arm(h, addr);
  }

  /**
   * No helper is free (maxHelpers): the address waits for one. Until then its waiters settle by
   * same-agent notify or deadline; a helper that arms later blocks on the newest waiter's value,
   * so a store-then-notify from another agent in the meantime still reads as a wakeup.
   */
  private starve(addr: Address): void {
    if (!addr.starved) {
      addr.starved = true;
      this.starved[this.starved.length] = addr;
    }
    if (this.starvedTimer === undefined) {
      this.starvedTimer = this.platform.setTimer(() => this.feedStarved(), STARVED_POLL_MS);
    }
  }

  /** Gives helpers that parked since to the addresses waiting longest. */
  private feedStarved(): void {
    this.starvedTimer = undefined;
    const q = this.starved;
    while (q.length) {
      const addr = q[0];
      if (addr.length && !addr.helper) {
        let h: Helper | null;
        try {
          h = this.acquire();
        } catch {
          return; // no helper can start (spawnError): its waiters keep their notify and deadlines
        }
        if (!h) break;
        this.attach(h, addr, addr.length);
      }
      addr.starved = false;
      arrayRemove(q, addr);
    }
    if (q.length) this.starve(q[0]);
  }

  private spawn(state: number): Helper {
    if (this.spawnError) throw this.spawnError;
    const h = new Helper(new SharedArrayBuffer(P.CTRL_BYTES));
    h.ctrl[P.STATE] = state;
    h.handle = this.platform.spawn({
      message: (m) => {
        if (!h.alive) return;
        this.failStreak = 0;
        if ('n' in m) this.onWake(m.a, m.n);
        else if ('retired' in m) {
          h.handle.terminate();
          this.drop(h);
        }
      },
      failed: (e) => this.onFailed(h, e),
    });
    h.handle.post({ ctrl: h.sab, idle: config.idleTimeout });
    this.helpers[this.helpers.length] = h;
    return h;
  }

  private arm(h: Helper, addr: Address): void {
    let id = this.bufferIds.get(addr.buffer);
    if (id === undefined) this.bufferIds.set(addr.buffer, (id = this.nextId++));
    if (!h.known.has(id)) {
      h.known.add(id);
      h.handle.post({ id, buf: addr.buffer });
    }
    const c = h.ctrl;
    aStore(c, P.BUF_ID, id);
    aStore(c, P.INDEX, addr.kind === P.KIND_I64 ? addr.byteIndex / 8 : addr.byteIndex / 4);
    aStore(c, P.KIND, addr.kind);
    aStore(c, P.ADDR_ID, addr.id);
    aStore(c, P.EVICT, 0);
    this.writeValue(h, addr, addr.tail!);
    h.ctrlF64[P.DEADLINE_F64] = addr.latest + timeOrigin;
    aAdd(c, P.CMD_SEQ, 1);
    aNotify(c, P.CMD_SEQ);
  }

  /** The value the helper blocks on: the waiter's own, or the memory's where views differ in kind. */
  private writeValue(h: Helper, addr: Address, w: Waiter): void {
    let v = w.value;
    if ((typeof v === 'bigint') !== (addr.kind === P.KIND_I64)) v = readMemory(addr, addr.kind === P.KIND_I64);
    if (addr.kind === P.KIND_I64) aStore(h.ctrl64, P.VALUE_I64, v as bigint);
    else aStore(h.ctrl, P.VALUE_I32, v as number);
  }

  private detach(h: Helper): void {
    const addr = h.address;
    h.address = null;
    if (addr && addr.helper === h) {
      addr.helper = null;
      if (!addr.length) this.forget(addr);
    }
  }

  /** Forgets a dead (or terminated) helper; `replace`: its unclaimed waiters get another one. */
  private drop(h: Helper, replace = true): void {
    if (!h.alive) return;
    h.alive = false;
    arrayRemove(this.helpers, h);
    const addr = h.address;
    this.detach(h);
    const left = aExchange(h.ctrl, P.PENDING, 0);
    if (addr) {
      // Waiters it had claimed were woken, but a dead helper's messages may never come: settle
      // them now, and ignore whatever of its messages still arrives.
      let inflight = addr.length - left;
      addr.credit = 0;
      while (inflight-- > 0 && addr.head) this.settle(addr.head, 'ok');
    }
    // Waiters it stood for and had not claimed get a new helper.
    if (replace && addr && left > 0 && addr.length) {
      try {
        const n = this.acquire();
        if (n) this.attach(n, addr, MathMin(left, addr.length));
        else this.starve(addr);
      } catch (e) {
        this.spawnError = e as Error;
      }
    }
  }

  private onFailed(h: Helper, e: unknown, injected = false): void {
    if (!h.alive) return;
    h.handle.terminate();
    if (!injected && !this.spawnError) {
      // A CSP block is final at once. Other failures after a streak of helpers dying with none
      // answering in between: a host that cannot run helpers must not have them respawned forever.
      if (e instanceof Error && /worker-src|Content Security/.test(e.message)) this.spawnError = e;
      else if (++this.failStreak >= FAIL_STREAK_LIMIT) {
        this.spawnError = new Error(
          `atomics-wait-async: helper threads keep failing (${this.failStreak} in a row, the last: ` +
          `${e instanceof Error ? e.message : String(e)}); waits that need a helper throw this error from now on.`);
      }
    }
    this.drop(h);
  }

  /**
   * Fault injection for tests: ends helper threads the way a crash would (the host reports them
   * dead and the engine must replace them). Returns how many it killed.
   */
  crashHelpers(which: 'all' | 'armed' = 'all'): number {
    let n = 0;
    for (let hs = arrayCopy(this.helpers), k = 0; k < hs.length; k++) {
      const h = hs[k];
      if (which === 'armed' && aLoad(h.ctrl, P.STATE) !== P.ARMED) continue;
      this.onFailed(h, new Error('atomics-wait-async: helper crashed (injected)'), true);
      n++;
    }
    return n;
  }

  /** Ends every helper (uninstall). Waiters already registered keep their local notify and deadlines. */
  releaseAll(): void {
    // Claims in flight were real wakes: they settle now, as for a helper that died.
    for (let hs = arrayCopy(this.helpers), k = 0; k < hs.length; k++) {
      hs[k].handle.terminate();
      this.drop(hs[k], false);
    }
    // Addresses waiting for a helper stop waiting too: like the rest, notify or deadline settles them.
    for (let i = 0; i < this.starved.length; i++) this.starved[i].starved = false;
    this.starved.length = 0;
    if (this.starvedTimer !== undefined) this.platform.clearTimer(this.starvedTimer);
    this.starvedTimer = undefined;
  }

  stats(): Stats {
    const addresses: Stats['addresses'] = [];
    this.byId.forEach((a) => {
      if (!a.length) return;
      const claimed = a.helper ? a.length - aLoad(a.helper.ctrl, P.PENDING) : 0;
      addresses[addresses.length] = { buffer: a.buffer, byteIndex: a.byteIndex, waiters: a.length, helper: !!a.helper, claimed };
    });
    let armed = 0;
    let blocked = 0;
    for (let i = 0; i < this.helpers.length; i++) {
      const h = this.helpers[i];
      if (aLoad(h.ctrl, P.STATE) === P.ARMED) armed++;
      if (aLoad(h.ctrl, P.BLOCKED) === 1) blocked++;
    }
    return { helpers: this.helpers.length, armed, blocked, pending: this.pending, addresses };
  }
}
