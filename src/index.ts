// Ponyfill entry: the native functions where the engine has Atomics.waitAsync, the shim elsewhere.
import { api } from './api';

export type { Api, InstallOptions, Options, Stats, WaitAsyncResult } from './api';

/** Atomics.waitAsync: native where present, else the shim. */
export const waitAsync = api.waitAsync;
/** Atomics.notify that also wakes this agent's shimmed async waiters. */
export const notify = api.notify;
/** Brand check: true only for a real SharedArrayBuffer, from any realm; never throws. */
export const isSharedArrayBuffer = api.isSharedArrayBuffer;
/** Patches Atomics.waitAsync/notify if (and only if) the engine lacks waitAsync, or with { force: true }. */
export const install = api.install;
/** Restores the original globals and ends every helper thread. */
export const uninstall = api.uninstall;
/** Our own options: helperUrl, idleTimeout, keepAlive, maxHelpers. */
export const configure = api.configure;
/** Helper threads and pending waiters, for debugging deadlocks. */
export const stats = api.stats;
/** True where the engine has a native Atomics.waitAsync. */
export const hasNativeWaitAsync = api.native;
/** The shim whatever the engine has: for differential tests and benchmarks. */
export const shim = api.shim;
