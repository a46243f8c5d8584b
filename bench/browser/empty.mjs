// The baseline of bench/browser/load-page.mjs: a module that does nothing, fetched the same way.
export const empty = true;
