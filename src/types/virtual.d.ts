declare module 'virtual:helper-source' {
  const source: string;
  export default source;
}
declare module 'virtual:helper-url' {
  /** URL of the shipped helper file relative to the bundle, or undefined for the IIFE build. */
  export function helperUrl(): string | undefined;
}
declare module 'platform:current' {
  import type { Platform } from '../platform/types';
  export const platform: Platform;
}
