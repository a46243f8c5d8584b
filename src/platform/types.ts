// The one narrow seam between the engine and its host (Node worker_threads or Web Workers).
import type { AgentMessage, HelperMessage } from '../engine/protocol';

export interface HelperHandle {
  post(message: AgentMessage): void;
  /** Ends the thread; a helper blocked in Atomics.wait leaves the wait queue with it. */
  terminate(): void;
}

export interface HelperEvents {
  message(m: HelperMessage): void;
  /** The helper died or could not start; `error` says why. */
  failed(error: unknown): void;
}

export interface Platform {
  readonly name: 'node' | 'web';
  /** This thread is one of the package's helpers (started with HELPER_MARK): it must start none. */
  readonly isHelper: boolean;
  /**
   * Whether a helper can start while the thread that created it blocks in Atomics.wait. Node:
   * yes. Browsers: no (measured in Chromium 156: a nested worker, or a window's, starts only once
   * its creator returns to its event loop), so only helpers that already started can be waited for.
   */
  readonly startsWhileBlocked: boolean;
  /** Starts a helper thread or throws an Error that says how to fix the host. */
  spawn(events: HelperEvents): HelperHandle;
  /** A timer that never keeps the host alive by itself (like a native waitAsync). */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Holds the host open while `on` (the keepAlive option); a no-op where hosts cannot exit. */
  keepAlive(on: boolean): void;
}
