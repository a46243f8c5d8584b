// Ponyfill entry: the native functions where the engine has Atomics.waitAsync, the shim elsewhere.
import { api } from './api';

export type { Api, InstallOptions, Options, Stats, WaitForOptions, WaitForOutcome } from './api';

/** What Atomics.waitAsync returns (ES2024). */
export type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
export type WaitableArray = Int32Array | BigInt64Array;

/** Atomics.waitAsync: native where present, else the shim. */
export const waitAsync = api.waitAsync as
  (typedArray: WaitableArray, index: number, value: number | bigint, timeout?: number) => WaitAsyncResult;
/** Atomics.notify that also wakes this agent's shimmed async waiters. */
export const notify = api.notify as (typedArray: WaitableArray, index: number, count?: number) => number;
/** Brand check: true only for a real SharedArrayBuffer, from any realm; never throws. */
export const isSharedArrayBuffer = api.isSharedArrayBuffer;
/** Patches Atomics.waitAsync/notify if (and only if) the engine lacks waitAsync, or with { force: true }. */
export const install = api.install;
/** Restores the original globals and ends every helper thread. */
export const uninstall = api.uninstall;
/** Our own options: exactWaiters, helperUrl, idleTimeout, keepAlive, maxHelpers. */
export const configure = api.configure;
/**
 * Starts helper threads ahead of need (`helpers` free ones: as many as the waits you expect at
 * once, default 4 in browsers) and resolves once they have started. In browsers a waitAsync can be
 * armed before it returns only with a helper that has started: await this once before the first
 * cross-thread wait of a page or worker (Node waits for a start by itself).
 */
export const ready = api.ready;
/** Helper threads and pending waiters, for debugging deadlocks. */
export const stats = api.stats;
/** True where the engine has a native Atomics.waitAsync. */
export const hasNativeWaitAsync = api.native;
/** The shim whatever the engine has: for differential tests and benchmarks. */
export const shim = api.shim as { waitAsync: typeof waitAsync; notify: typeof notify };
/**
 * Beyond the spec: a promise-only wait that an AbortSignal can cancel. Aborting rejects with
 * `signal.reason` and removes the waiter, so it can never absorb a notify meant for another.
 * Goes through this package's engine even where the engine has a native waitAsync.
 */
export const waitFor = api.waitFor;
/** Test hook (fault injection): kills helper threads as a crash would; they are replaced. */
export const crashHelpers = api.crashHelpers;
