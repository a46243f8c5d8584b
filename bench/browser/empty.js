// The baseline of bench/browser/load-page.mjs: a classic script that does nothing.
