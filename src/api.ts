// The package's one instance per realm: feature detection, install/uninstall and the ponyfill
// surface. Kept on a global symbol so the ESM, CommonJS and <script> builds loaded side by side
// share one engine (a waiter registered through one is notified through another).
import { platform } from 'platform:current';
import { applyOptions, type Options } from './config';
import { Engine, type Stats } from './engine/engine';
import {
  Atom, G, ObjectDefineProperty, ObjectGetOwnPropertyDescriptor, PromiseCtor, nativeWaitAsync,
} from './intrinsics';
import { createShim, type Shim, type WaitAsyncResult } from './shim';
import { IsSharedArrayBuffer } from './spec';
import { createWaitFor, type WaitForOptions, type WaitForOutcome } from './wait-for';

export interface InstallOptions {
  /** Replace a native Atomics.waitAsync too (for tests and benchmarks). */
  force?: boolean;
}

export interface Api {
  readonly version: string;
  /** True where the engine has its own Atomics.waitAsync (captured when the package loaded). */
  readonly native: boolean;
  waitAsync: Shim['waitAsync'];
  notify: Shim['notify'];
  isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer;
  install(options?: InstallOptions): boolean;
  uninstall(): boolean;
  installed(): boolean;
  configure(options: Options): void;
  stats(): Stats;
  /** Starts helpers ahead of need (`helpers` free ones); resolves once they can be armed. */
  ready(helpers?: number): Promise<void>;
  /** The shim itself, whatever the engine has (for differential tests and benchmarks). */
  shim: Shim;
  /** Test hook: kills helper threads as a crash would; the engine must replace them. */
  crashHelpers(which?: 'all' | 'armed'): number;
  /** Cancellable, promise-only wait through our engine (beyond the spec). */
  waitFor(typedArray: Int32Array | BigInt64Array, index: number, value: number | bigint, options?: WaitForOptions): Promise<WaitForOutcome>;
}

const KEY = Symbol.for('atomics-wait-async');
const VERSION = '0.1.0';

/**
 * Inside one of our own helper threads (an app's preload or a bundler's injected polyfill loaded us
 * there), the package installs nothing and starts nothing: a helper that started helpers would
 * start them without end (DESIGN §2 v3, 8).
 */
const host: typeof platform = platform.isHelper
  ? { ...platform, spawn() { throw new Error('atomics-wait-async: this thread is one of its helpers, which never start helpers'); } }
  : platform;

function createApi(): Api {
  let engine: Engine | undefined;
  const getEngine = () => (engine ??= new Engine(host));
  const shim = createShim(getEngine);
  let saved: { waitAsync?: PropertyDescriptor; notify?: PropertyDescriptor } | undefined;

  const define = (name: string, value: unknown) =>
    ObjectDefineProperty(Atom, name, { value, writable: true, enumerable: false, configurable: true });

  const api: Api = {
    version: VERSION,
    native: !!nativeWaitAsync,
    waitAsync: (nativeWaitAsync as Shim['waitAsync'] | undefined) ?? shim.waitAsync,
    // Always ours: it also wakes this thread's waitFor waiters (our engine, even on native engines),
    // and for everything else behaves as the native notify it calls.
    notify: shim.notify,
    isSharedArrayBuffer: IsSharedArrayBuffer,
    shim,
    waitFor: createWaitFor(getEngine),
    install(options: InstallOptions = {}) {
      if (options === null || typeof options !== 'object') {
        throw new TypeError('atomics-wait-async: install(options): options must be an object like { force: true }');
      }
      if (saved) return true;
      if (host.isHelper) return false;
      const current = (Atom as unknown as { waitAsync?: unknown }).waitAsync;
      if (typeof current === 'function' && !options.force) return false;
      saved = {
        waitAsync: ObjectGetOwnPropertyDescriptor(Atom, 'waitAsync'),
        notify: ObjectGetOwnPropertyDescriptor(Atom, 'notify'),
      };
      define('waitAsync', shim.waitAsync);
      define('notify', shim.notify);
      // A helper started ahead of need: the first waitAsync can then be armed before it returns.
      try {
        getEngine().prestart();
      } catch { /* no SharedArrayBuffer or no threads here: waitAsync reports it when called */ }
      return true;
    },
    uninstall() {
      engine?.releaseAll();
      if (!saved) return false;
      // No for-of: user code may have replaced Array.prototype[Symbol.iterator].
      const names = ['waitAsync', 'notify'] as const;
      for (let i = 0; i < names.length; i++) {
        const d = saved[names[i]];
        if (d) ObjectDefineProperty(Atom, names[i], d);
        else delete (Atom as unknown as Record<string, unknown>)[names[i]];
      }
      saved = undefined;
      return true;
    },
    installed: () => !!saved,
    configure(options: Options) {
      applyOptions(options);
      engine?.refreshKeepAlive();
    },
    stats: () => getEngine().stats(),
    ready: (helpers?: number) => {
      if (helpers !== undefined && (typeof helpers !== 'number' || !Number.isInteger(helpers) || helpers < 0)) {
        throw new TypeError('atomics-wait-async: ready(helpers): expected an integer >= 0, the waits you expect at once');
      }
      return host.isHelper ? PromiseCtor.resolve() : getEngine().ready(helpers);
    },
    crashHelpers: (which) => getEngine().crashHelpers(which),
  };
  return api;
}

function shared(): Api {
  const existing = (G as unknown as Record<symbol, Api | undefined>)[KEY];
  if (existing && existing.version === VERSION) return existing;
  const api = createApi();
  ObjectDefineProperty(G, KEY, { value: api, configurable: true });
  return api;
}

export const api: Api = shared();
export type { Options, Stats, WaitAsyncResult, WaitForOptions, WaitForOutcome };
