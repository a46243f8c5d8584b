// Builds: Node ESM + CJS (worker_threads helpers), browser ESM, a <script> IIFE, the helper file
// and the type declarations. Each polyfill entry is a two-line file that loads its main entry,
// so a page or process that uses both shares one engine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { dts } from 'rollup-plugin-dts';
import { rollup } from 'rollup';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { mangleInternals } from './scripts/mangle.mjs';

// AWA_COVERAGE=1 (npm run coverage): the Node builds get source maps, and the helper source the
// Node adapter evaluates names a file that holds the same code and its map, so c8 maps the
// coverage of both threads to src/*.ts. The code itself is the same as in the production build
// (which carries no maps and deletes those of a coverage build); the browser builds never change.
const COVERAGE = !!process.env.AWA_COVERAGE;
const COVERAGE_HELPER = 'dist/cov/node-helper.js';
if (!COVERAGE) {
  rmSync('dist/cov', { recursive: true, force: true });
  for (const f of ['index.mjs.map', 'index.cjs.map']) rmSync(`dist/${f}`, { force: true });
}

const ts = (maps = false) => typescript({
  tsconfig: './tsconfig.json', declaration: false, outDir: undefined, rootDir: undefined, noEmitOnError: true,
  ...(maps ? { sourceMap: true, inlineSources: true } : {}),
});

// The helper is built once per host: its channel and clock come from src/helper/host-<platform>.ts.
const helperCode = {};
async function buildHelper(platform) {
  if (helperCode[platform]) return helperCode[platform];
  const hostModule = {
    name: 'helper-host',
    resolveId: (id) => (id === 'helper:host' ? `${process.cwd()}/src/helper/host-${platform}.ts` : null),
  };
  const maps = COVERAGE && platform === 'node';
  const bundle = await rollup({ input: 'src/helper/worker.ts', plugins: [hostModule, ts(maps)] });
  const { output } = await bundle.generate({ format: 'iife', sourcemap: maps && 'hidden', plugins: [terser()] });
  helperCode[platform] = output[0].code;
  if (maps) writeCoverageHelper(helperCode[platform], output[0].map);
  return helperCode[platform];
}

// The Node adapter runs `new Worker(source, { eval: true })`: eval'd code has no file, so V8
// reports its coverage under the //# sourceURL the source ends with. That file holds the same
// text and points to the helper's map, its sources relative to the file.
function writeCoverageHelper(code, map) {
  const sources = map.sources.map((s) => `../../${s.replace(/^(\.\.\/)+/, '')}`);
  mkdirSync('dist/cov', { recursive: true });
  writeFileSync(`${COVERAGE_HELPER}.map`, JSON.stringify({ ...map, file: 'node-helper.js', sources }));
  writeFileSync(COVERAGE_HELPER, `${code.trimEnd()}\n//# sourceMappingURL=node-helper.js.map\n`);
}
/** The helper source the Node adapter evaluates: under coverage, named after that file. */
async function nodeHelperSource() {
  const code = await buildHelper('node');
  return COVERAGE ? `${code.trimEnd()}\n//# sourceURL=${pathToFileURL(COVERAGE_HELPER).href}\n` : code;
}

// virtual:helper-url, ESM build: the helper is started through the literal
// `new Worker(new URL('./helper.js', import.meta.url), { type: 'classic' })`, the one form bundlers
// recognise as a worker: Vite and webpack then emit dist/helper.js as a worker chunk and rewrite the
// URL (a bare `new URL('./helper.js', import.meta.url)` is an asset to them, and Vite inlines assets
// under 4 KB as data: URLs, which cannot host the helper); esbuild and Rollup leave it as it is, so
// the file must sit next to the bundle (README, "Bundlers"). No other `new URL('./helper.js', ...)`
// may appear in that build, or Vite would inline a second copy. `type: 'classic'`: the helper is a
// classic script, and engines without module workers (Firefox < 114) would refuse 'module'.
const ESM_HELPER_URL =
  "export const shippedWorker = () => new Worker(new URL('./helper.js', import.meta.url), { type: 'classic' });\n" +
  'export function helperUrl() { return undefined; }';
// The <script> build remembers its own <script> src at load; inside a worker it has none (blob: fallback).
const IIFE_HELPER_URL =
  "const s = typeof document !== 'undefined' && document.currentScript && document.currentScript.src;\n" +
  'export const shippedWorker = undefined;\n' +
  "export function helperUrl() { return s ? new URL('atomics-wait-async.helper.js', s).href : undefined; }";
/** virtual:helper-source (the helper's code as a string), platform:current and virtual:helper-url. */
function host(platform, urlMode) {
  return {
    name: 'host',
    resolveId(id) {
      if (id === 'platform:current') return `${process.cwd()}/src/platform/${platform}.ts`;
      if (id === 'virtual:helper-source' || id === 'virtual:helper-url') return '\0' + id;
      return null;
    },
    async load(id) {
      if (id === '\0virtual:helper-source') {
        // \u0023 is '#': a comment-like `//# sourceURL=` in the bundle's text would name the bundle.
        const code = platform === 'node' ? await nodeHelperSource() : await buildHelper(platform);
        return `export default ${JSON.stringify(code).replace('//# sourceURL=', '//\\u0023 sourceURL=')};`;
      }
      if (id === '\0virtual:helper-url') return urlMode === 'esm' ? ESM_HELPER_URL : IIFE_HELPER_URL;
      return null;
    },
    async generateBundle() {
      if (urlMode) {
        // The shipped helper files are browser-only (Node evaluates virtual:helper-source).
        const source = await buildHelper(platform);
        this.emitFile({ type: 'asset', fileName: urlMode === 'esm' ? 'helper.js' : 'atomics-wait-async.helper.js', source: source + '\n' });
      }
    },
  };
}

/** Declarations once, after the JS builds. */
function declarations() {
  return {
    name: 'declarations',
    writeBundle() {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' });
      // The polyfill's declarations are self-contained (a `declare global` block), the same text for
      // both module systems: TypeScript takes a .d.ts in this "type": "module" package as ESM, so
      // `require()` (exports' "require" conditions, and node10's polyfill/package.json) gets the .d.cts.
      const text = readFileSync('dist/types/polyfill/index.d.ts', 'utf8');
      for (const f of ['dist/polyfill.d.ts', 'dist/polyfill.d.cts']) writeFileSync(f, text);
    },
  };
}


export default [
  {
    input: 'src/index.ts',
    external: ['worker_threads'],
    plugins: [host('node'), ts(COVERAGE)],
    output: [
      { file: 'dist/index.mjs', format: 'es', sourcemap: COVERAGE },
      { file: 'dist/index.cjs', format: 'cjs', exports: 'named', sourcemap: COVERAGE },
    ],
  },
  {
    input: 'polyfill/index.ts',
    external: (id) => id.endsWith('/src/index') || id === '../src/index',
    plugins: [ts()],
    output: [
      { file: 'dist/polyfill.mjs', format: 'es', paths: (id) => id.endsWith('src/index') ? './index.mjs' : id },
      { file: 'dist/polyfill.cjs', format: 'cjs', paths: (id) => id.endsWith('src/index') ? './index.cjs' : id },
      { file: 'dist/polyfill.browser.mjs', format: 'es', paths: (id) => id.endsWith('src/index') ? './index.browser.mjs' : id },
    ],
  },
  {
    input: 'src/index.ts',
    plugins: [host('web', 'esm'), ts()],
    output: { file: 'dist/index.browser.mjs', format: 'es', plugins: [mangleInternals()] },
  },
  {
    input: 'src/iife.ts',
    plugins: [host('web', 'iife'), ts(), declarations()],
    output: { file: 'dist/atomics-wait-async.min.js', format: 'iife', plugins: [mangleInternals(), terser()] },
  },
  {
    // One bundled declaration file: no extensionless relative imports for nodenext resolution. Twice,
    // as for the polyfill: index.d.ts for `import` (ESM), index.d.cts for `require()` (index.cjs's
    // named exports; there is no default export, so ES export syntax describes both).
    input: 'dist/types/src/index.d.ts',
    plugins: [dts(), { name: 'clean-types', closeBundle: () => rmSync('dist/types', { recursive: true, force: true }) }],
    output: [{ file: 'dist/index.d.ts', format: 'es' }, { file: 'dist/index.d.cts', format: 'es' }],
  },
];
