// Options of our own (not the spec's): validated with errors that name the option and the fix.
export interface Options {
  /**
   * Async waiters per address per thread that get a helper thread of their own (default 8): up
   * to this many, a notify from another thread wakes and counts them exactly as native; beyond,
   * never fewer than native, and a notify reaching all of them may wake every waiter.
   */
  exactWaiters?: number;
  /** Browser only: URL of the shipped helper file (dist/helper.js), when bundling moved it. */
  helperUrl?: string | URL;
  /** Milliseconds an idle helper stays parked before it retires (default 2000). */
  idleTimeout?: number;
  /** Node only: keep the process alive while async waits are pending (native V8 does not). */
  keepAlive?: boolean;
  /** Most helper threads alive at once (default 128; each is a thread: ~7.6 MB resident on Node 20). */
  maxHelpers?: number;
}

export const config: Required<Omit<Options, 'helperUrl'>> & { helperUrl: string | undefined } = {
  exactWaiters: 8,
  helperUrl: undefined,
  idleTimeout: 2000,
  keepAlive: false,
  maxHelpers: 128,
};

function fail(option: string, fix: string): never {
  throw new TypeError(`atomics-wait-async: configure({ ${option} }): ${fix}`);
}

export function applyOptions(options: Options): void {
  if (options === null || typeof options !== 'object') fail('…', 'pass an options object');
  for (const key of Object.keys(options)) {
    if (!(key in config)) {
      fail(key, `unknown option; known options are ${Object.keys(config).join(', ')}`);
    }
  }
  const { exactWaiters, helperUrl, idleTimeout, keepAlive, maxHelpers } = options;
  if (exactWaiters !== undefined) {
    if (typeof exactWaiters !== 'number' || !Number.isInteger(exactWaiters) || exactWaiters < 1) {
      fail('exactWaiters', 'expected an integer >= 1 (helper threads per address per thread)');
    }
    config.exactWaiters = exactWaiters;
  }
  if (helperUrl !== undefined) {
    if (typeof helperUrl !== 'string' && !(typeof URL === 'function' && helperUrl instanceof URL)) {
      fail('helperUrl', 'expected a string or URL pointing at dist/helper.js');
    }
    config.helperUrl = String(helperUrl);
  }
  if (idleTimeout !== undefined) {
    if (typeof idleTimeout !== 'number' || !(idleTimeout >= 0) || idleTimeout === Infinity) {
      fail('idleTimeout', 'expected a finite number of milliseconds >= 0');
    }
    config.idleTimeout = idleTimeout;
  }
  if (keepAlive !== undefined) {
    if (typeof keepAlive !== 'boolean') fail('keepAlive', 'expected true or false');
    config.keepAlive = keepAlive;
  }
  if (maxHelpers !== undefined) {
    if (typeof maxHelpers !== 'number' || !Number.isInteger(maxHelpers) || maxHelpers < 1) {
      fail('maxHelpers', 'expected an integer >= 1');
    }
    config.maxHelpers = maxHelpers;
  }
}
