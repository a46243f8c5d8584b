// Side-effect entry: `import 'atomics-wait-async/polyfill'` installs Atomics.waitAsync where the
// engine lacks it and leaves a native one alone.
import { install } from '../src/index';

install();

declare global {
  interface WaitAsyncResultOf<T> {
    async: boolean;
    value: 'not-equal' | 'timed-out' | Promise<T>;
  }
  interface Atomics {
    /** ES2024 Atomics.waitAsync (polyfilled by atomics-wait-async where missing). */
    waitAsync(
      typedArray: Int32Array | BigInt64Array,
      index: number,
      value: number | bigint,
      timeout?: number,
    ): WaitAsyncResultOf<'ok' | 'timed-out'>;
  }
}

export {};
