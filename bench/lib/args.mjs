// The command line of the two bench runners (node/run.mjs, browser/run.mjs; bench/README.md,
// "Running"): the options they share, plus a runner's own `--name=value` options given in `more`
// as { name: (value) => parsed }.
import path from 'node:path';

export function parseArgs(argv, defaults, more = {}) {
  const o = { quick: false, only: null, verbose: false, report: true, ...defaults };
  for (const a of argv) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(2, eq);
    const value = a.slice(eq + 1);
    if (a === '--quick') o.quick = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--no-report') o.report = false;
    else if (eq < 0 || !a.startsWith('--')) throw new Error(`unknown argument ${a}`);
    else if (name === 'runs') o.runs = Number(value);
    else if (name === 'only') o.only = new Set(value.split(',').filter(Boolean));
    else if (name === 'out') o.out = path.resolve(value);
    else if (more[name]) o[name] = more[name](value);
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}
