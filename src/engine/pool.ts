// The helper pool: spawn, park, arm, retire, spares and the fault policy. Invariant: every live
// helper is either free (PARKED, `waiter` null; it may retire by itself) or bound to exactly one
// waiter, and the agent writes a helper's fields only while the helper cannot be reading them
// (PARKED, or a state the agent owns: WOKEN, EXPIRED, CHANGED).
import { now, timeOrigin } from '../clock';
import { config } from '../config';
import {
  Atom, PromiseCtor, SafeMap, SafeWeakMap, aAdd, aCompareExchange, aLoad, aNotify, aStore, arrayCopy, arrayRemove, call, newFinalizer,
  nativeWait,
} from '../intrinsics';
import type { HelperHandle, Platform } from '../platform/types';
import * as P from './protocol';
import type { Value, Waiter } from './waiters';

/** Helpers that may die in a row, none answering in between, before the pool stops spawning. */
const FAIL_STREAK_LIMIT = 5;
/**
 * How long waitAsync waits for its helper to block: asleep where this thread may block (covers a
 * helper's start on a loaded machine), spinning in a window; in browsers only for a helper that
 * has started (see Platform.startsWhileBlocked).
 */
const ARM_SLEEP_MS = 2000;
const ARM_SPIN_MS = 100;
const ARM_SPIN_FIRST_MS = 0.1;
const ARM_POLL_FIRST_MS = 0.01;
const ARM_POLL_MAX_MS = 1;
const ARM_SETTLE_MS = 0.02;
const ARM_CHANGED_MS = 2;
/** How long a window spins for a new buffer to reach a helper (Chromium, Firefox: ~0.1 ms idle; WebKit: never). */
const ARM_BUFFER_SPIN_MS = 20;

const deadlineBits = new BigInt64Array(1);
const deadlineF64 = new Float64Array(deadlineBits.buffer);
/**
 * A waiter's deadline (agent clock) into the helper's DEADLINE_F64 slot, on the clock threads
 * share, atomically as its bits: the helper may read it while blocked (Engine.swap moves it).
 */
function storeDeadline(h: Helper, deadline: number): void {
  deadlineF64[0] = deadline + timeOrigin;
  aStore(h.ctrl64, P.DEADLINE_F64, deadlineBits[0]);
}

/** Whether Atomics.wait may block this thread (not a browser window's main thread); probed on first need. */
let canBlock: boolean | undefined;
export function mayBlock(): boolean {
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

export class Helper {
  readonly ctrl: Int32Array;
  readonly ctrl64: BigInt64Array;
  /** Buffer ids this helper has been sent, with how many buffer messages it had been sent by then. */
  readonly known = new SafeMap<number, number>();
  sent = 0;
  waiter: Waiter | null = null;
  /** When it was last armed, in the engine's registration order (compared with Waiter.seq). */
  armSeq = 0;
  /** An earlier notify of ours probably woke it (Engine.notify). */
  owed = false;
  /** Armed for a waiter that was already waiting (beyond the budget, or after a change), not at its call. */
  recycled = false;
  /** The token its messages carry: that of the waiter it was armed for (Engine.swap moves waiters, not tokens). */
  token = 0;
  /** The latest deadline it was given while armed, on the agent's clock: it leaves the queue then. */
  until = 0;
  alive = true;
  ready = false;
  handle!: HelperHandle;

  constructor(readonly sab: SharedArrayBuffer) {
    this.ctrl = new Int32Array(sab);
    this.ctrl64 = new BigInt64Array(sab);
  }

  get state(): number {
    return aLoad(this.ctrl, P.STATE);
  }

  get blockedAt(): number {
    return aLoad(this.ctrl, P.BLOCKED_AT);
  }

  get wokeAt(): number {
    return aLoad(this.ctrl, P.WOKE_AT);
  }
}

export interface PoolEvents {
  wake(h: Helper, token: number): void;
  changed(h: Helper, token: number): void;
  /** A bound helper died (a crash, uninstall, or it never started): its waiter is no longer queued. */
  lost(h: Helper, w: Waiter): void;
  /** A helper has started: waiters short of one may get it. */
  started(): void;
}

export class Pool {
  readonly helpers: Helper[] = [];
  private readonly bufferIds = new SafeWeakMap<SharedArrayBuffer, number>();
  /**
   * Once this thread no longer holds a buffer object, no waiter of ours can be on it (a waiter
   * holds its buffer): the helpers that were sent it are told to drop theirs, so a helper that
   * serves many short-lived buffers does not keep them all alive until it retires.
   */
  private readonly finalizer = newFinalizer<number>((id) => this.forget(id));
  private nextBufferId = 1;
  private failStreak = 0;
  /** The counter helpers take tickets from (protocol.ts, BLOCKED_AT); made with the first helper. */
  private tickets: SharedArrayBuffer | undefined;
  private ticketsI32: Int32Array | undefined;
  private readyWaiters: Array<() => void> = [];
  /** Set when helpers cannot start here; later waits that need one throw it instead of hanging. */
  spawnError: Error | undefined;

  constructor(private readonly platform: Platform, private readonly events: PoolEvents) {}

  /**
   * A free helper, preferring one that already has `buffer`; null if none is parked. Where a
   * helper cannot start while its creator waits (browsers), only started ones count.
   */
  private parked(buffer: SharedArrayBuffer): Helper | null {
    const id = this.bufferIds.get(buffer);
    const started = !this.platform.startsWhileBlocked;
    let any: Helper | null = null;
    for (let i = 0; i < this.helpers.length; i++) {
      const h = this.helpers[i];
      if (h.waiter || h.state !== P.PARKED || (started && !h.ready)) continue;
      if (id !== undefined && this.knows(h, id)) return h;
      any ??= h;
    }
    return any;
  }

  /** Whether `h` has received buffer `id` (not only been sent it). */
  private knows(h: Helper, id: number): boolean {
    const n = h.known.get(id);
    return n !== undefined && aLoad(h.ctrl, P.BUFFERS_IN) >= n;
  }

  private idOf(buffer: SharedArrayBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      this.bufferIds.set(buffer, (id = this.nextBufferId++));
      if (this.finalizer) this.finalizer(buffer, id);
    }
    return id;
  }

  private send(h: Helper, id: number, buffer: SharedArrayBuffer): void {
    if (h.known.get(id) !== undefined) return;
    h.known.set(id, ++h.sent);
    h.handle.post({ type: 'buffer', id, buf: buffer });
  }

  private forget(id: number): void {
    for (let i = 0; i < this.helpers.length; i++) {
      const h = this.helpers[i];
      if (h.known.get(id) === undefined) continue;
      h.known.delete(id);
      h.handle.post({ type: 'forget', id });
    }
  }

  /** Buffers the helpers hold (sent, not yet forgotten): stats().helperBuffers. */
  heldBuffers(): number {
    let n = 0;
    for (let i = 0; i < this.helpers.length; i++) n += this.helpers[i].known.size;
    return n;
  }

  freeCount(): number {
    let n = 0;
    for (let i = 0; i < this.helpers.length; i++) if (!this.helpers[i].waiter && this.helpers[i].state === P.PARKED) n++;
    return n;
  }

  /**
   * Binds a helper to `w` and sends it to block on `value`: a parked one, else (where a helper
   * can start while its creator waits: Node) a new one within maxHelpers. Returns null when none
   * is free; browsers then arm `w` when a spare has started (PoolEvents.started), in call order.
   * Does not wait for it to block.
   */
  arm(w: Waiter, value: Value): Helper | null {
    for (;;) {
      const h = this.parked(w.address.buffer);
      if (!h) break;
      this.write(h, w, value);
      if (aCompareExchange(h.ctrl, P.STATE, P.PARKED, P.ARMING) === P.PARKED) {
        aNotify(h.ctrl, P.STATE);
        return h;
      }
      h.waiter = null; // it retired meanwhile; its 'retired' message drops it
    }
    if (this.helpers.length >= config.maxHelpers || !this.platform.startsWhileBlocked) return null;
    const h = this.spawn();
    this.write(h, w, value);
    aStore(h.ctrl, P.STATE, P.ARMING);
    aNotify(h.ctrl, P.STATE);
    return h;
  }

  /** Hands a helper the agent owns (WOKEN, EXPIRED, CHANGED) straight to another waiter. */
  rearm(h: Helper, w: Waiter, value: Value): void {
    this.write(h, w, value);
    aStore(h.ctrl, P.STATE, P.ARMING);
    aNotify(h.ctrl, P.STATE);
  }

  private write(h: Helper, w: Waiter, value: Value): void {
    const buffer = w.address.buffer;
    const id = this.idOf(buffer);
    this.send(h, id, buffer);
    const c = h.ctrl;
    aStore(c, P.BUF_ID, id);
    aStore(c, P.INDEX, w.index);
    aStore(c, P.KIND, w.kind);
    aStore(c, P.TOKEN, w.token);
    aStore(c, P.SLICED, w.abortable ? 1 : 0);
    if (w.kind === P.KIND_I64) aStore(h.ctrl64, P.VALUE_I64, value as bigint);
    else aStore(c, P.VALUE_I32, value as number);
    storeDeadline(h, w.deadline);
    h.waiter = w;
    h.token = w.token;
    h.until = w.deadline;
    h.owed = false;
  }

  /**
   * Gives a BLOCKED helper a new deadline and slicing (Engine.swap). Written atomically (the
   * deadline as its bits): the helper reads both whenever its wait times out. It leaves the queue
   * at the later of the two deadlines.
   */
  moveDeadline(h: Helper, deadline: number, sliced: boolean): void {
    aStore(h.ctrl, P.SLICED, sliced ? 1 : 0);
    storeDeadline(h, deadline);
    if (h.until < deadline) h.until = deadline;
  }

  /**
   * Where this thread cannot block (a window), whether the buffer `h` was armed with reaches it
   * while the thread spins: spun for at most ARM_BUFFER_SPIN_MS. True where the thread may block
   * (it sleeps in awaitArming instead) or the helper had the buffer already.
   */
  awaitBuffer(h: Helper): boolean {
    if (mayBlock()) return true;
    const id = aLoad(h.ctrl, P.BUF_ID);
    if (this.knows(h, id) || h.state !== P.ARMING) return true;
    const until = now() + ARM_BUFFER_SPIN_MS;
    while (now() < until) if (this.knows(h, id) || h.state !== P.ARMING) return true;
    return false;
  }

  /**
   * Waits (bounded) until `h` leaves ARMING: BLOCKED (queued), CHANGED (the value moved first) or
   * CANCELLED; ARMING still means the bound passed.
   */
  awaitArming(h: Helper): number {
    let s = h.state;
    if (s !== P.ARMING) return s;
    const block = mayBlock();
    // A helper that has not started yet starts only if this thread may wait for it (Node).
    const bound = !h.ready && !this.platform.startsWhileBlocked ? 0 : block ? ARM_SLEEP_MS : ARM_SPIN_MS;
    const until = now() + bound;
    // Asleep in growing steps rather than woken by the helper (see its serve()): the first steps
    // are shorter than a thread's wake-up, the later ones cheap while a new helper starts.
    // A parked helper blocks within tens of µs: spun for first (a timed sleep that short costs the
    // kernel's timer slack, 50 µs on Linux, each time), then asleep.
    const spinUntil = now() + (bound < ARM_SPIN_FIRST_MS ? bound : ARM_SPIN_FIRST_MS);
    while ((s = h.state) === P.ARMING && now() < spinUntil) { /* spin */ }
    for (let step = ARM_POLL_FIRST_MS; (s = h.state) === P.ARMING && h.alive; step = step < ARM_POLL_MAX_MS ? step * 2 : step) {
      const left = until - now();
      if (left <= 0) break;
      if (block) call(nativeWait, Atom, h.ctrl, P.STATE, P.ARMING, left < step ? left : step);
    }
    // Where it may, this thread steps aside a moment: the helper, if it shares this core, has
    // published BLOCKED but may not be in the queue yet, and this thread running on would delay it.
    if (s === P.BLOCKED && block) call(nativeWait, Atom, h.ctrl, P.STATE, P.BLOCKED, ARM_SETTLE_MS);
    return s;
  }

  /**
   * Waits up to ARM_CHANGED_MS for `h`, BLOCKED on a value the memory no longer shows, to leave
   * BLOCKED: CHANGED when the store came before it entered the queue, WOKEN when a notify found it
   * there; still BLOCKED means it is queued (a thread preempted longer between publishing BLOCKED
   * and blocking is left to Engine.onChanged).
   */
  awaitChanged(h: Helper): number {
    const block = mayBlock();
    const until = now() + ARM_CHANGED_MS;
    let s: number;
    while ((s = h.state) === P.BLOCKED && h.alive) {
      const left = until - now();
      if (left <= 0) break;
      if (block) call(nativeWait, Atom, h.ctrl, P.STATE, P.BLOCKED, left);
    }
    return s;
  }

  /**
   * Takes `h` off its waiter, which settled on the agent's side. Returns the state it found:
   * ARMING or BLOCKED (now CANCELLED: the helper parks once out of the queue, passing on any wake
   * it absorbs), or a state the agent owns, which it leaves for the caller to judge.
   */
  cancel(h: Helper): number {
    for (;;) {
      const s = h.state;
      if (s !== P.ARMING && s !== P.BLOCKED) return s;
      if (aCompareExchange(h.ctrl, P.STATE, s, P.CANCELLED) === s) {
        h.waiter = null;
        return s;
      }
    }
  }

  /** Takes `h` off its waiter if it has not blocked yet (ARMING → CANCELLED); false if it had. */
  cancelArming(h: Helper): boolean {
    if (aCompareExchange(h.ctrl, P.STATE, P.ARMING, P.CANCELLED) !== P.ARMING) return false;
    h.waiter = null;
    return true;
  }

  /** Frees a helper in a state the agent owns: it parks. */
  release(h: Helper): void {
    h.waiter = null;
    if (!h.alive) return;
    aStore(h.ctrl, P.STATE, P.PARKED);
    aNotify(h.ctrl, P.STATE);
  }

  /**
   * Starts free helpers ahead of need until `n` are free or starting, so that a waitAsync finds
   * one to arm instead of waiting for a thread to start: more in browsers, where a burst of waits
   * cannot wait for a start (see Platform.startsWhileBlocked).
   */
  spare(n = this.platform.startsWhileBlocked ? 2 : 4, strict = false): void {
    for (let free = this.freeCount(); free < n && !this.spawnError && this.helpers.length < config.maxHelpers; free++) {
      try {
        this.spawn();
      } catch (e) {
        // `strict` (a wait that needs one): the host's reason, unless a helper can still serve it.
        if (strict && !free) throw e;
        return;
      }
    }
  }

  private spawn(): Helper {
    if (this.spawnError) throw this.spawnError;
    const h = new Helper(new SharedArrayBuffer(P.CTRL_BYTES));
    h.handle = this.platform.spawn({
      message: (m) => {
        if (!h.alive) return;
        this.failStreak = 0;
        if (typeof m === 'number') this.events.wake(h, m);
        else if (m.type === 'changed') this.events.changed(h, m.token);
        else if (m.type === 'ready') {
          h.ready = true;
          this.checkReady();
          this.events.started();
        }
        else if (m.type === 'retired') {
          h.handle.terminate();
          this.drop(h);
        }
      },
      failed: (e) => this.failed(h, e),
    });
    h.handle.post({ type: 'init', ctrl: h.sab, tickets: (this.tickets ??= new SharedArrayBuffer(4)), idle: config.idleTimeout });
    this.helpers[this.helpers.length] = h;
    return h;
  }

  /** A ticket from the helpers' counter: orders an agent event among theirs. */
  ticket(): number {
    this.tickets ??= new SharedArrayBuffer(4);
    return aAdd(this.ticketsI32 ??= new Int32Array(this.tickets), 0, 1);
  }

  /** Resolves once every live helper has started (or died). */
  ready(): Promise<void> {
    return new PromiseCtor<void>((resolve) => {
      this.readyWaiters[this.readyWaiters.length] = resolve;
      this.checkReady();
    });
  }

  private checkReady(): void {
    for (let i = 0; i < this.helpers.length; i++) if (!this.helpers[i].ready) return;
    const ws = this.readyWaiters;
    this.readyWaiters = [];
    for (let i = 0; i < ws.length; i++) ws[i]();
  }

  /** Forgets a dead or terminated helper; its waiter, if any, is reported lost. */
  private drop(h: Helper): void {
    if (!h.alive) return;
    h.alive = false;
    // A thread being ended may stay in the wait queue a while (Chromium: ~2 s): cancelled, it
    // passes on a wake it absorbs meanwhile (helper/worker.ts), as a stale helper does.
    aCompareExchange(h.ctrl, P.STATE, P.BLOCKED, P.CANCELLED);
    arrayRemove(this.helpers, h);
    this.checkReady();
    const w = h.waiter;
    h.waiter = null;
    if (w) this.events.lost(h, w);
  }

  private failed(h: Helper, e: unknown, injected = false): void {
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

  /** Fault injection for tests: ends helpers the way a crash would. Returns how many. */
  crash(which: 'all' | 'armed'): number {
    let n = 0;
    for (let hs = arrayCopy(this.helpers), k = 0; k < hs.length; k++) {
      const h = hs[k];
      if (which === 'armed' && (!h.waiter || h.waiter.done)) continue;
      this.failed(h, new Error('atomics-wait-async: helper crashed (injected)'), true);
      n++;
    }
    return n;
  }

  /** Ends every helper (uninstall); bound waiters are reported lost. */
  endAll(): void {
    for (let hs = arrayCopy(this.helpers), k = 0; k < hs.length; k++) {
      hs[k].handle.terminate();
      this.drop(hs[k]);
    }
  }
}
