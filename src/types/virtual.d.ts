declare module 'virtual:helper-source' {
  const source: string;
  export default source;
}
declare module 'virtual:helper-url' {
  /**
   * ESM build: starts the shipped helper file through the literal
   * `new Worker(new URL('./helper.js', import.meta.url), { type: 'classic' })` that bundlers
   * recognise (and rewrite). Undefined in the <script> build.
   */
  export const shippedWorker: (() => Worker) | undefined;
  /** <script> build: the helper file next to the script's own src, if known; else undefined. */
  export function helperUrl(): string | undefined;
}
declare module 'platform:current' {
  import type { Platform } from '../platform/types';
  export const platform: Platform;
}
