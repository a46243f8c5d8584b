// Side-effect entry: `import 'atomics-wait-async/polyfill'` installs Atomics.waitAsync where the
// engine lacks it and leaves a native one alone.
import { install } from '../src/index';

install();

declare global {
  interface Atomics {
    /** ES2024 Atomics.waitAsync (installed by atomics-wait-async where the engine lacks it). */
    waitAsync(
      typedArray: Int32Array | BigInt64Array,
      index: number,
      value: number | bigint,
      timeout?: number,
    ):
      | { async: false; value: 'not-equal' | 'timed-out' }
      | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
}

export {};
