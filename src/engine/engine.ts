// The agent's engine: composes the waiter lists (waiters.ts), the helper pool (pool.ts) and the
// deadlines. Invariant (DESIGN §2): up to `exactWaiters` waiters per address each have a helper in
// the native wait queue, armed before waitAsync returns, so any thread's notify wakes and counts
// them exactly as native waiters; beyond that budget a notify never wakes fewer than native would.
import { now, resolution } from '../clock';
import { config } from '../config';
import { Deadlines } from '../deadlines';
import { Atom, PromiseCtor, SafeMap, aLoad, arrayRemove, call, nativeNotify } from '../intrinsics';
import type { Platform } from '../platform/types';
import { Helper, Pool } from './pool';
import * as P from './protocol';
import { Address, AddressTable, type Outcome, type Value, type Waiter } from './waiters';

export type { Outcome };

/**
 * Beyond the budget, the wakes landing within JUDGE_MS of the first are judged together, so that
 * woken helpers whose threads run late on a loaded machine (a notify-all wakes them all at once)
 * have reported before the freed helpers are re-armed. The price: K notify(i, 1) within it (a
 * hand-over faster than one per JUDGE_MS / K) read as one notify that reached every helper.
 */
const JUDGE_MS = 10;
/** How often addresses short of helpers (maxHelpers reached) look for a free one, in ms. */
const NEEDY_POLL_MS = 5;
/** Longest the host is held open for the messages of wakes our own notify caused. */
const OWN_WAKE_HOLD_MS = 200;
/** A helper this close to its deadline (ms) when handed to another waiter may leave the queue first (Engine.swap). */
const SWAP_MARGIN_MS = 1;
/** When a helper whose waiter our own notify settled is checked for the message it owes. */
const CLAIM_CHECK_MS = 1000;
/** Longest our own notify spins for the helpers it woke to show it (Engine.awaitOwnWakes), in ms. */
const NOTIFY_SPIN_MS = 0.2;
/** Longest our notify repeats itself for helpers of ours not yet queued (Engine.notify), in ms. */
const REQUEUE_MS = 2;
/** How long a helper that died while queued is assumed to be still there (its thread ending). */
const DEAD_QUEUED_MS = 1000;
/** Longest a waiter past its deadline waits for its helper to leave the queue, in 1 ms steps. */
const EXPIRE_WAIT_MS = 50;

export interface Stats {
  /** Helper threads alive. */
  helpers: number;
  /** Helpers bound to a waiter (or owing the message of a wake whose waiter already settled). */
  armed: number;
  /** Helpers in (or entering) Atomics.wait on a user address right now. */
  blocked: number;
  /** Async waiters of this agent not yet settled. */
  pending: number;
  /** The budget: waiters per address that get a helper of their own. */
  exactWaiters: number;
  /** waitAsync calls that returned before their helper had blocked (the arming bound passed). */
  missedArming: number;
  /**
   * Waiters settled "ok" because their helper found the value changed when it came to block, with
   * no helper of ours queued through the change (DESIGN §2.3). After waitAsync returned that is a
   * helper that was armed late, re-armed, or preempted between publishing BLOCKED and blocking:
   * a store in that moment wakes the waiter rather than lose a notify that may follow it.
   */
  changeWakes: number;
  /**
   * SharedArrayBuffers the helpers hold for this thread. One this thread has let go of is dropped
   * by them once it is garbage-collected here (FinalizationRegistry; where the engine has none,
   * when the helper retires).
   */
  helperBuffers: number;
  addresses: Array<{
    buffer: SharedArrayBuffer; byteIndex: number; waiters: number;
    /** Helpers standing for waiters here (at most exactWaiters), and how many of them are queued. */
    helpers: number;
    blocked: number;
    helper: boolean;
    /** Waiters a helper has woken whose message has not reached this agent yet. */
    claimed: number;
  }>;
}

/** The element at the waiter's address as it is now, read in the waiter's own kind. */
function readMemory(w: Waiter): Value {
  const a = w.address;
  return w.kind === P.KIND_I64
    ? aLoad(new BigInt64Array(a.buffer, a.byteIndex, 1), 0)
    : aLoad(new Int32Array(a.buffer, a.byteIndex, 1), 0);
}

export class Engine {
  private readonly table = new AddressTable();
  private readonly pool: Pool;
  private readonly deadlines: Deadlines<Waiter>;
  private seq = 1;
  private pending = 0;
  private missed = 0;
  private changeWakes = 0;
  private ending = false;
  /** Wakes our own notify caused whose messages have not come (see expectWakes). */
  private ownInflight = 0;
  private ownTimer: unknown = undefined;
  /** Addresses with waiters no helper stands for, below the budget (maxHelpers was reached). */
  private readonly needy: Address[] = [];
  private needyTimer: unknown = undefined;
  /** Helpers woken beyond the budget, held per address until judged (see judge). */
  private readonly held = new SafeMap<Address, Helper[]>();

  constructor(readonly platform: Platform) {
    this.deadlines = new Deadlines<Waiter>(platform, (w) => this.expire(w));
    this.pool = new Pool(platform, {
      wake: (h, token) => this.onWake(h, token),
      changed: (h, token) => this.onChanged(h, token),
      lost: (h, w) => this.onLost(h, w),
      started: () => { if (this.needy.length) this.feed(); },
    });
  }

  get spawnError(): Error | undefined {
    return this.pool.spawnError;
  }

  /** Starts helpers ahead of need (install()), so the first waitAsync finds one. */
  prestart(): void {
    this.pool.spare();
  }

  /**
   * Starts helpers until `n` are free, and resolves once every helper has started (browsers: only
   * started ones can be armed before waitAsync returns).
   */
  ready(n?: number): Promise<void> {
    this.pool.spare(n);
    return this.pool.ready();
  }

  // ---- waitAsync's async path (DoWait steps after the comparison) ---------------------------

  /**
   * Registers a waiter that read `value` at `index` of a view of `kind`, timeout `t` ms (> 0).
   * Returns 'not-equal' when its helper found the memory changed before it blocked: the store
   * then linearizes before this call, as native allows.
   */
  enqueue(buffer: SharedArrayBuffer, byteIndex: number, index: number, big: boolean, value: Value, t: number):
    Promise<Outcome> | 'not-equal' {
    const r = this.register(buffer, byteIndex, index, big, value, t, false);
    return r === 'not-equal' ? r : r.promise;
  }

  /**
   * A wait that can be withdrawn (beyond the spec: waitFor's AbortSignal). `cancel` removes the
   * waiter and rejects with `reason`; it returns false (changing nothing) if it was already woken.
   */
  enqueueCancellable(buffer: SharedArrayBuffer, byteIndex: number, index: number, big: boolean, value: Value, t: number,
    abortable: boolean): { promise: Promise<Outcome>; cancel(reason: unknown): boolean } | 'not-equal' {
    const r = this.register(buffer, byteIndex, index, big, value, t, abortable);
    if (r === 'not-equal') return r;
    const w = r.waiter;
    return {
      promise: r.promise,
      cancel: (reason) => !w.done && this.finish(w, reason, true),
    };
  }

  private register(buffer: SharedArrayBuffer, byteIndex: number, index: number, big: boolean, value: Value, t: number,
    cancellable: boolean): { promise: Promise<Outcome>; waiter: Waiter } | 'not-equal' {
    const kind = big ? P.KIND_I64 : P.KIND_I32;
    index = big ? byteIndex / 8 : byteIndex / 4; // the helper views the buffer from byte 0
    if (this.pool.spawnError) throw this.pool.spawnError;
    const addr = this.table.getOrCreate(buffer, byteIndex);
    const w: Waiter = {
      token: this.seq & 0x7fffffff, seq: this.seq++, address: addr, index, kind, value, abortable: cancellable,
      deadline: now() + t + resolution, heapIndex: -1, helper: null, covered: addr.armed.length > 0, done: false,
      resolve: undefined!, reject: undefined, prev: null, next: null, ticket: 0,
    };
    if (addr.armed.length >= config.exactWaiters || addr.firstUnarmed()) w.ticket = this.pool.ticket();
    // Within the budget, and behind no older waiter that is still short of a helper (FIFO).
    if (addr.armed.length < config.exactWaiters && !addr.firstUnarmed()) {
      let h: Helper | null;
      try {
        // One to arm and spares: they start while this call waits, ready for the next.
        // Where no helper can be started for this very call (browsers), a host that cannot start
        // one at all says so here; on Node, arm() starts it and throws the host's reason.
        this.pool.spare(undefined, !this.platform.startsWhileBlocked);
        h = this.pool.arm(w, value);
      } catch (e) {
        this.table.forgetIfIdle(addr);
        throw e;
      }
      // A window whose messages do not reach the helper while it spins (WebKit) cannot arm it in
      // time: it is released, and the wait joins those short of a helper, armed in call order.
      // Only while still ARMING: one that got the buffer and blocked meanwhile is queued, and a
      // cancelled queued helper would pass on, to nobody, the wake meant for this waiter.
      if (h && !this.pool.awaitBuffer(h) && this.pool.cancelArming(h)) h = null;
      if (h) {
        h.armSeq = this.seq++;
        h.recycled = false;
        let s = this.pool.awaitArming(h);
        // Published BLOCKED is a moment before queued. A store the memory already shows either
        // came first (the helper's wait says CHANGED: the store linearizes before this call) or
        // found it queued (it stays, as a native waiter would, and a notify wakes it). Never
        // cancelled while it may be queued: it would pass on a wake it absorbs, arbitrarily late,
        // to a waiter that came after that notify (a spurious "ok").
        if (s === P.BLOCKED && readMemory(w) !== value) s = this.pool.awaitChanged(h);
        if (s === P.CHANGED) {
          this.pool.release(h);
          this.table.forgetIfIdle(addr);
          return 'not-equal';
        }
        if (s === P.ARMING) this.missed++; // queued late: a notify before it blocks is not seen
        w.helper = h;
        addr.armed[addr.armed.length] = h;
      } else {
        // No helper free (maxHelpers), or in a browser none started (or with this buffer) yet.
        if (!this.platform.startsWhileBlocked) this.missed++;
        this.needs(addr);
      }
    }
    const promise = new PromiseCtor<Outcome>((res, rej) => {
      w.resolve = res;
      if (cancellable) w.reject = rej;
    });
    addr.push(w);
    if (w.deadline !== Infinity) this.deadlines.add(w);
    this.count(+1);
    return { promise, waiter: w };
  }

  // ---- notify ----------------------------------------------------------------------------------

  /**
   * Atomics.notify for a shared buffer (25.4.15 steps 9-13). The native notify wakes, in FIFO
   * order, every queued waiter of every thread, our helpers included (whose waiters then settle
   * when their message arrives); only when it ran out of queue do our waiters that are not in it
   * (beyond the budget, or armed late) take the rest, oldest first.
   */
  notify(typedArray: unknown, index: number, buffer: SharedArrayBuffer, byteIndex: number, count: number): number {
    const addr = this.table.get(buffer, byteIndex);
    let queued = 0;
    if (addr) for (let i = 0; i < addr.armed.length; i++) if (addr.armed[i].state === P.BLOCKED) queued++;
    let stale = 0;
    if (addr) {
      for (let i = 0; i < addr.stale.length;) {
        const x = addr.stale[i];
        if (x.state === P.CANCELLED || !x.alive) { stale++; i++; } else arrayRemove(addr.stale, x);
      }
    }
    // Helpers that report a wake after this ticket were woken by this notify (or a later one).
    const t0 = queued ? this.pool.ticket() : 0;
    let m = call<number>(nativeNotify, Atom, typedArray, index, count);
    if (!addr) return m;
    // Out of queue while helpers of ours that published BLOCKED were not queued yet (every wake
    // shows as one of ours, they do not): they enter it within microseconds unless preempted, and
    // the notify is repeated for them (REQUEUE_MS at most), so that they are truly woken rather
    // than left in the queue for a later notify to wake in vain.
    let unqueued = m < count && queued > 0 && this.notQueued(addr, t0, m);
    for (const until = now() + REQUEUE_MS; unqueued && now() < until;) {
      m += call<number>(nativeNotify, Atom, typedArray, index, count - m);
      unqueued = m < count && this.notQueued(addr, t0, m);
    }
    // Ran out of queue: it also reached our helpers whose waiters are gone (they pass the wake on,
    // to nobody): native would not have counted them.
    if (m < count) m -= m < stale ? m : stale;
    if (queued) {
      const ours = m < queued ? m : queued; // at most: other threads' waiters may have come first
      // judge() must not read these as a foreign notify.
      if (addr.firstUnarmed()) addr.ownCredit += ours;
      this.expectWakes(ours);
    }
    if (m >= count) {
      // The first of ours in the queue were probably among the woken (their threads may not have
      // run yet): a later notify must not take them for ones that were not queued (below).
      for (let i = 0, k = m < queued ? m : queued; i < addr.armed.length && k > 0; i++) {
        if (addr.armed[i].state === P.BLOCKED) { addr.armed[i].owed = true; k--; }
      }
      if (queued && m > 0) this.awaitOwnWakes(addr, t0, m < queued ? m : queued);
      // Helpers of ours whose waiters are gone may have taken part of the count: they pass the
      // wake on in the queue, which our waiters beyond the budget are not in. As many of those
      // as there are such helpers settle here (an over-wake at worst, never a lost wake).
      for (let x = addr.head, k = stale < count ? stale : count; x && k > 0;) {
        const next = x.next;
        if (!x.helper) { this.settle(x, 'ok'); k--; }
        x = next;
      }
      return m;
    }
    // The native notify ran out of queue: every helper of ours it could reach was woken. Their
    // waiters settle now, in FIFO order with the ones not queued that take the rest of the count
    // (their messages then only free the helpers); a late abort can no longer undo the wake.
    let n = 0;
    let claimed = 0;
    const freed: Array<Helper | null> = [];
    // `unqueued` (above): helpers still BLOCKED were not queued, past the repeats' bound.
    for (let x = addr.head; x;) {
      const next = x.next;
      const h = x.helper;
      const s = h ? h.state : P.ARMING;
      if (h && (s === P.BLOCKED || s === P.WOKEN)) {
        // Reached now: still BLOCKED (woken but not run yet, or not queued yet), or woken since t0.
        if (!h.owed && (s === P.BLOCKED || (queued && !P.before(h.wokeAt, t0)))) claimed++;
        if (s === P.WOKEN) this.woke(h); // its message may have come already (held for FIFO order)
        else if (unqueued) { // not queued: cancelled, it passes on a wake it absorbs once it is
          this.detach(x, this.pool.cancel(h));
          this.settle(x, 'ok');
        } else this.claim(x, h);
      }
      else if (s !== P.EXPIRED && n < count - m) {
        if (h) freed[freed.length] = this.detach(x, this.pool.cancel(h));
        this.settle(x, 'ok');
        n++;
      }
      x = next;
    }
    for (let i = 0; i < freed.length; i++) this.refill(addr, freed[i]);
    // More of ours settled as reached than the native notify counted: some had published BLOCKED
    // but were not queued yet. They woke here, so they count here. (Counted in both states: the
    // woken ones may have reported WOKEN already, which the ones not queued never do.)
    return m + n + (claimed > m ? claimed - m : 0);
  }

  /**
   * After our notify ran out of queue with `woken` wakes: whether the helpers of `addr` still
   * showing BLOCKED were not in the queue (they had published BLOCKED, not blocked yet). Known once
   * every wake shows as one of ours (WOKEN since ticket t0), spun for NOTIFY_SPIN_MS at most.
   * Left bound to its settled waiter, such a helper would later absorb another notify's wake.
   */
  private notQueued(addr: Address, t0: number, woken: number): boolean {
    const until = now() + NOTIFY_SPIN_MS;
    for (;;) {
      let seen = 0;
      let blocked = 0;
      for (let i = 0; i < addr.armed.length; i++) {
        const h = addr.armed[i];
        const s = h.state;
        if (s === P.WOKEN && !P.before(h.wokeAt, t0)) seen++;
        else if (s === P.BLOCKED) blocked++;
      }
      if (!blocked) return false;
      if (seen >= woken) return true;
      if (now() >= until) return false;
    }
  }

  /**
   * Our own notify woke up to `k` of our helpers: their threads show it (WOKEN) well before their
   * messages arrive. Spins NOTIFY_SPIN_MS at most for them, and settles those that show it, in
   * FIFO order, as their messages would: a same-thread hand-over (a mutex) then costs one thread
   * wake-up, not a wake-up, a message and an event-loop turn.
   */
  private awaitOwnWakes(addr: Address, t0: number, k: number): void {
    const until = now() + NOTIFY_SPIN_MS;
    for (;;) {
      let n = 0;
      for (let i = 0; i < addr.armed.length; i++) {
        const h = addr.armed[i];
        if (h.state === P.WOKEN && !P.before(h.wokeAt, t0)) n++;
      }
      if (n >= k || now() >= until) break;
    }
    this.settleWoken(addr);
  }

  // ---- helper outcomes -----------------------------------------------------------------------

  private onWake(h: Helper, token: number): void {
    const w = h.waiter;
    if (!w || h.token !== token || h.state !== P.WOKEN) return;
    if (w.done) { // settled by claim(): the message only frees the helper
      h.waiter = null;
      this.free(h, w.address);
      return;
    }
    this.settleWoken(w.address);
  }

  /**
   * Settles "ok" the waiter of `h`, which our own notify reached; `h` stays on it until its
   * message frees it. A helper that never reports (it had published BLOCKED but was not queued
   * yet) is taken off it after CLAIM_CHECK_MS: it parks, passing on a wake it absorbs.
   */
  private claim(w: Waiter, h: Helper): void {
    w.address.unarm(h, this.seq++);
    w.helper = null;
    this.wakeArrived();
    this.settle(w, 'ok');
    this.platform.setTimer(() => {
      if (h.waiter !== w) return;
      const s = this.pool.cancel(h);
      if (s === P.EXPIRED || s === P.CHANGED) this.pool.release(h);
    }, CLAIM_CHECK_MS);
  }

  /**
   * Settles the waiters that woken helpers of `addr` stood for. A wake is a place in the native
   * queue, and native gives it to the oldest waiter queued: the helpers' own order there is an
   * accident of scheduling (one preempted between publishing BLOCKED and blocking enters after a
   * younger one). So the oldest waiter with a helper in the queue takes the wake, and, if its own
   * helper still shows BLOCKED, hands that helper (its place) to the woken one's waiter (swap):
   * promises settle in call order at once, with no wait for helpers that are slow to report.
   */
  private settleWoken(addr: Address): void {
    for (;;) {
      let f: Helper | null = null;
      for (let i = 0; i < addr.armed.length && !f; i++) if (addr.armed[i].state === P.WOKEN) f = addr.armed[i];
      if (!f) return;
      let w = addr.head;
      for (; w; w = w.next) {
        const s = w.helper ? w.helper.state : P.ARMING;
        if (s === P.BLOCKED || s === P.WOKEN) break;
      }
      const x = w!.helper!;
      if (x.state === P.WOKEN) f = x;
      else if (x !== f) this.swap(f, x);
      this.woke(f);
    }
  }

  /**
   * `f` (WOKEN) and `x` (BLOCKED, standing for an older waiter) trade waiters: `f`'s wake goes to
   * the older one, and `x` keeps its place in the queue for the younger, with the younger's
   * deadline and slicing (the helper reads both whenever its wait times out). One about to reach
   * its old deadline may leave the queue before it reads the new one: checked just after, and
   * if so armed again for the younger waiter (late: a notify in that moment is not seen).
   */
  private swap(f: Helper, x: Helper): void {
    const older = x.waiter!;
    const younger = f.waiter!;
    const close = x.until - now() < SWAP_MARGIN_MS;
    const until = x.until;
    x.waiter = younger;
    younger.helper = x;
    f.waiter = older;
    older.helper = f;
    this.pool.moveDeadline(x, younger.deadline, younger.abortable);
    if (!close) return;
    this.platform.setTimer(() => {
      if (x.waiter !== younger || younger.done || x.state !== P.EXPIRED || now() >= younger.deadline) return;
      const addr = younger.address;
      addr.unarm(x, this.seq++);
      younger.helper = null;
      x.waiter = null;
      this.recycle(x, addr); // the oldest waiter short of a helper: the younger one
    }, until - now() + SWAP_MARGIN_MS * 2);
  }

  private wakeArrived(): void {
    if (this.ownInflight > 0 && --this.ownInflight === 0 && this.ownTimer !== undefined) {
      this.platform.clearTimer(this.ownTimer);
      this.ownTimer = undefined;
      this.refreshKeepAlive();
    }
  }

  /** `h` (WOKEN) stood for its waiter in the native queue and a notify took it: "ok". */
  private woke(h: Helper): void {
    const w = h.waiter!;
    const addr = w.address;
    this.wakeArrived();
    addr.unarm(h, this.seq++);
    w.helper = null;
    h.waiter = null; // the agent's now: a late copy of its message finds nothing
    this.settle(w, 'ok');
    this.free(h, addr);
  }

  /** A woken helper of `addr` is free. Beyond the budget it waits for the wave to be judged. */
  private free(h: Helper, addr: Address): void {
    if (!addr.firstUnarmed() && addr.judgeTimer === undefined) {
      this.recycle(h, null);
      return;
    }
    // Beyond the budget: how far did the notify reach? Gather the wakes that land together.
    let list = this.held.get(addr);
    if (!list) this.held.set(addr, (list = []));
    list[list.length] = h;
    if (addr.judgeTimer === undefined) addr.judgeTimer = this.platform.setTimer(() => this.judge(addr), JUDGE_MS);
  }

  /**
   * Beyond the budget, a notify that reached the last of our helpers in the queue may have been
   * meant for more: it wakes every waiter not queued (DESIGN §2.2, the over-wake). One that
   * stopped before a helper of ours still queued wakes exactly what it woke. Then the freed
   * helpers stand for the oldest waiters left.
   */
  private judge(addr: Address): void {
    this.settleWoken(addr); // messages still on the way
    addr.judgeTimer = undefined;
    const list = this.held.get(addr) || [];
    this.held.delete(addr);
    // Our own notify's wakes (ownCredit of them) are taken as the last in queue order: whichever
    // came first, they then mark where a foreign notify stopped (the threads' wake order is no
    // guide: they run in any order), and the rest is its wave.
    const own: Helper[] = [];
    const wave: Helper[] = [];
    for (let i = 0; i < list.length; i++) wave[wave.length] = list[i];
    for (let k = addr.ownCredit; k > 0 && wave.length; k--) {
      let last = 0;
      for (let i = 1; i < wave.length; i++) if (P.before(wave[last].blockedAt, wave[i].blockedAt)) last = i;
      own[own.length] = wave[last];
      arrayRemove(wave, wave[last]);
    }
    addr.ownCredit = 0;
    let top: Helper | null = null; // the foreign wave's last helper in queue order
    for (let i = 0; i < wave.length; i++) {
      if (!top || P.before(top.blockedAt, wave[i].blockedAt)) top = wave[i];
    }
    if (top && addr.firstUnarmed()) {
      const wokeAt = top.wokeAt;
      // A helper still queued that joined after the wave's last wake was seen joined after its
      // notify: the notify may have been meant for it too.
      const joinedAfter = (x: Helper) => P.before(wokeAt, x.blockedAt);
      // Helpers that blocked before the wave's last one are ahead of it: woken too (FIFO), their
      // messages still on the way, or not queued yet back then. Only those behind it tell.
      const at = top.blockedAt;
      let reached = true;
      for (let i = 0; i < addr.armed.length && reached; i++) {
        const x = addr.armed[i];
        if (x.state === P.BLOCKED && P.before(at, x.blockedAt) && !joinedAfter(x)) reached = false;
      }
      // One our own notify woke behind it was still queued when the foreign notify stopped.
      for (let i = 0; i < own.length && reached; i++) if (P.before(at, own[i].blockedAt)) reached = false;
      if (reached) {
        for (let x = addr.head; x;) {
          const next = x.next;
          const h = x.helper;
          // Not one registered after the wave's last wake was seen: it came after the notify.
          if (!h) { if (P.before(x.ticket, wokeAt)) this.settle(x, 'ok'); }
          else if (h.recycled && joinedAfter(h)) {
            const f = this.detach(x, this.pool.cancel(h));
            this.settle(x, 'ok');
            if (f) list[list.length] = f;
          }
          x = next;
        }
      }
    }
    for (let i = 0; i < list.length; i++) this.recycle(list[i], addr);
    this.table.forgetIfIdle(addr);
  }

  /** Hands a freed helper (in a state the agent owns) to the oldest waiter short of one. */
  private recycle(h: Helper, addr: Address | null): void {
    if (!h.alive) return;
    let u = addr && addr.armed.length < config.exactWaiters ? addr.firstUnarmed() : null;
    while (!u && this.needy.length) {
      const a = this.needy[0];
      u = a.armed.length < config.exactWaiters ? a.firstUnarmed() : null;
      if (!u) arrayRemove(this.needy, a);
    }
    if (!u) {
      this.pool.release(h);
      return;
    }
    this.bind(u, h);
    this.pool.rearm(h, u, u.value);
  }

  private bind(u: Waiter, h: Helper): void {
    h.armSeq = this.seq++;
    h.recycled = true;
    u.helper = h;
    u.address.armed[u.address.armed.length] = h;
  }

  /**
   * The memory differed from the waiter's value when its helper came to block, after waitAsync
   * returned (armed late, or re-armed for a waiter beyond the budget). It counts as a wakeup only
   * if no helper of ours was queued on the address through the change (DESIGN §2.3): otherwise a
   * notify would have reached that helper first, so the helper blocks again on the new value.
   */
  private onChanged(h: Helper, token: number): void {
    const w = h.waiter;
    if (!w || h.token !== token || h.state !== P.CHANGED) return;
    const addr = w.address;
    if (w.done) { // settled meanwhile (a same-thread notify, its deadline, an over-wake)
      h.waiter = null;
      this.recycle(h, addr);
      return;
    }
    // Or the address had a helper of ours bound all along since it registered (a waiter beyond
    // the budget, re-armed after older helpers timed out: they were queued through the change).
    let through = w.covered && addr.uncoveredAt < w.seq;
    for (let i = 0; i < addr.armed.length && !through; i++) {
      const x = addr.armed[i];
      const xs = x.state;
      // Queued then, or woken since (a notify that reached it came after the change, or went to it).
      through = x !== h && (xs === P.BLOCKED || xs === P.WOKEN) && x.armSeq < w.seq;
    }
    addr.unarm(h, this.seq++);
    if (through) {
      this.bind(w, h); // now the newest in the queue
      this.pool.rearm(h, w, readMemory(w));
      return;
    }
    w.helper = null;
    this.changeWakes++;
    this.settle(w, 'ok');
    this.recycle(h, addr);
  }

  /** A helper died while bound to `w`. */
  private onLost(h: Helper, w: Waiter): void {
    const addr = w.address;
    addr.unarm(h, this.seq++);
    addr.uncoveredAt = this.seq++; // a dead helper was no witness: a change since may be a wakeup
    w.helper = null;
    if (w.done) return;
    // It woke (or judged the value changed) and its message died with it: a wakeup.
    const s = h.state;
    if (s === P.WOKEN || s === P.CHANGED) {
      this.settle(w, 'ok');
      return;
    }
    // A thread being ended (uninstall, a crash) may sit in the wait queue a moment longer: this
    // thread's notify that counts it must not be lost for the waiter (notify's stale helpers).
    // Pool.drop cancelled it if it was BLOCKED (bound helpers are CANCELLED by nothing else).
    if (s === P.CANCELLED) {
      addr.stale[addr.stale.length] = h;
      this.platform.setTimer(() => { arrayRemove(addr.stale, h); this.table.forgetIfIdle(addr); }, DEAD_QUEUED_MS);
    }
    if (this.ending) return; // uninstall: same-thread notify and deadlines still settle it
    // No longer queued: another helper stands for it (late, so a changed value is judged).
    this.needs(addr);
    this.feed();
  }

  // ---- settling --------------------------------------------------------------------------------

  private expire(w: Waiter): void {
    // Its helper leaves the queue at the same deadline: settled once it has (a notify in between
    // would count it, as native counts a waiter until its deadline), or after EXPIRE_WAIT_MS. One
    // handed over from an older waiter with a later deadline (swap) stays longer: cancelled now.
    const h = w.helper;
    if (h && h.state === P.BLOCKED && h.until <= w.deadline + SWAP_MARGIN_MS &&
      (w.expireWait = (w.expireWait || 0) + 1) <= EXPIRE_WAIT_MS) {
      this.platform.setTimer(() => { if (!w.done) this.expire(w); }, 1);
      return;
    }
    this.finish(w, 'timed-out');
  }

  /**
   * Settles `w` on the agent's side (its deadline, or an abort) unless its helper's wake came
   * first: then it settles "ok" (its message will find nothing to do) and this returns false.
   */
  private finish(w: Waiter, outcome: unknown, rejected = false): boolean {
    const h = w.helper;
    let freed: Helper | null = null;
    if (h) {
      const s = this.pool.cancel(h);
      if (s === P.WOKEN) {
        this.woke(h);
        return false;
      }
      freed = this.detach(w, s);
    }
    const addr = w.address;
    this.settle(w, outcome, rejected);
    if (h) this.refill(addr, freed);
    return true;
  }

  /**
   * Takes `w` off its helper after pool.cancel returned `s`. Returns the helper when the agent
   * owns it (EXPIRED, CHANGED), to recycle once `w` has settled; a cancelled one parks by itself.
   */
  private detach(w: Waiter, s: number): Helper | null {
    const h = w.helper!;
    w.address.unarm(h, this.seq++);
    w.helper = null;
    if (s === P.BLOCKED) w.address.stale[w.address.stale.length] = h; // until it leaves the queue
    if (s !== P.EXPIRED && s !== P.CHANGED) return null;
    // It left the queue (or never joined) at a moment we did not see: since then it witnessed
    // nothing, so a change found by a helper re-armed for an older waiter may be a wakeup it missed.
    w.address.uncoveredAt = this.seq++;
    h.waiter = null;
    return h;
  }

  /** A helper of `addr` is free (or parking): it, or another, stands for the next waiter short of one. */
  private refill(addr: Address, h: Helper | null): void {
    if (h) this.recycle(h, addr);
    else if (addr.firstUnarmed()) {
      this.needs(addr);
      this.feed();
    }
  }

  private settle(w: Waiter, outcome: unknown, rejected = false): void {
    const addr = w.address;
    w.done = true;
    addr.unlink(w);
    this.deadlines.remove(w);
    this.count(-1);
    if (rejected) w.reject!(outcome);
    else w.resolve(outcome as Outcome);
    this.table.forgetIfIdle(addr);
  }

  // ---- addresses short of helpers ---------------------------------------------------------------

  private needs(addr: Address): void {
    let listed = false;
    for (let i = 0; i < this.needy.length; i++) if (this.needy[i] === addr) listed = true;
    if (!listed) this.needy[this.needy.length] = addr;
    if (this.needyTimer === undefined) {
      this.needyTimer = this.platform.setTimer(() => { this.needyTimer = undefined; this.feed(); }, NEEDY_POLL_MS);
    }
  }

  /** Arms waiters of needy addresses with free (or new) helpers, oldest address first. */
  private feed(): void {
    for (let i = 0; i < this.needy.length;) {
      const a = this.needy[i];
      const u = a.armed.length < config.exactWaiters ? a.firstUnarmed() : null;
      if (!u) {
        arrayRemove(this.needy, a);
        continue;
      }
      // One at a time per address where arming is slow (browsers), so they queue in call order.
      let arming = false;
      if (!this.platform.startsWhileBlocked) for (let j = 0; j < a.armed.length; j++) if (a.armed[j].state === P.ARMING) arming = true;
      if (arming) { i++; continue; }
      let h: Helper | null;
      try {
        h = this.pool.arm(u, u.value);
      } catch {
        return; // no helper can start (spawnError): its waiters keep notify and deadlines
      }
      // None free. Browsers: arm() starts none, so start them here (spare() also bounds them), else
      // a dead helper's waiters would wait for a ready() call; `started` feeds them.
      if (!h) { this.pool.spare(); break; }
      this.bind(u, h);
    }
    if (this.needy.length && this.needyTimer === undefined) this.needs(this.needy[0]);
  }

  /**
   * Our own notify woke helpers of ours: their waiters settle when the messages arrive, and the
   * host must not exit before (native resolves them too). Held open until they came, or at most
   * OWN_WAKE_HOLD_MS (the estimate may count other threads' waiters the notify took first).
   */
  private expectWakes(n: number): void {
    this.ownInflight += n;
    if (this.ownTimer !== undefined) this.platform.clearTimer(this.ownTimer);
    this.ownTimer = this.platform.setTimer(() => {
      this.ownTimer = undefined;
      this.ownInflight = 0;
      this.refreshKeepAlive();
    }, OWN_WAKE_HOLD_MS);
    this.refreshKeepAlive();
  }

  private count(d: number): void {
    this.pending += d;
    if (config.keepAlive || this.ownInflight) this.refreshKeepAlive();
  }

  refreshKeepAlive(): void {
    this.platform.keepAlive((config.keepAlive && this.pending > 0) || this.ownInflight > 0);
  }

  // ---- faults, uninstall, stats ---------------------------------------------------------------

  /** Test hook: ends helper threads the way a crash would; the engine must replace them. */
  crashHelpers(which: 'all' | 'armed' = 'all'): number {
    return this.pool.crash(which);
  }

  /** Ends every helper (uninstall). Waiters already registered keep same-thread notify and deadlines. */
  releaseAll(): void {
    this.ending = true;
    try {
      this.pool.endAll();
    } finally {
      this.ending = false;
    }
    this.needy.length = 0;
    if (this.needyTimer !== undefined) this.platform.clearTimer(this.needyTimer);
    this.needyTimer = undefined;
  }

  stats(): Stats {
    const addresses: Stats['addresses'] = [];
    this.table.live.forEach((_, a) => {
      if (!a.length) return;
      let claimed = 0;
      let blocked = 0;
      for (let i = 0; i < a.armed.length; i++) {
        const st = a.armed[i].state;
        if (st === P.WOKEN) claimed++;
        else if (st === P.BLOCKED) blocked++;
      }
      addresses[addresses.length] = {
        buffer: a.buffer, byteIndex: a.byteIndex, waiters: a.length, helpers: a.armed.length, blocked,
        helper: a.armed.length > 0, claimed,
      };
    });
    let armed = 0;
    let blocked = 0;
    const hs = this.pool.helpers;
    for (let i = 0; i < hs.length; i++) {
      if (hs[i].waiter) armed++; // a claimed one too, until its message frees it
      if (hs[i].state === P.BLOCKED) blocked++;
    }
    return {
      helpers: hs.length, armed, blocked, pending: this.pending, exactWaiters: config.exactWaiters,
      missedArming: this.missed, changeWakes: this.changeWakes, helperBuffers: this.pool.heldBuffers(), addresses,
    };
  }
}
