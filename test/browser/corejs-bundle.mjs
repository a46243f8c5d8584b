// Builds core-js's global polyfill bundle for the interop pages: `core-js/actual` (every stable
// and stage-3 feature, installed on the globals where the engine lacks or misimplements it),
// bundled by rollup into one classic script at .cache/browser/core-js-<version>.js
// (core-js-bundle is not a dependency; this is the same thing built from core-js itself).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { ROOT } from './server.mjs';

const require = createRequire(import.meta.url);

export function coreJsVersion() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/core-js/package.json'), 'utf8')).version;
}

/** Returns the bundle's path (server path and file), building it once per core-js version. */
export async function buildCoreJs() {
  const version = coreJsVersion();
  const file = path.join(ROOT, `.cache/browser/core-js-${version}.js`);
  const link = path.join(ROOT, '.cache/browser/core-js.js');
  if (!fs.existsSync(file)) {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const commonjs = (await import('@rollup/plugin-commonjs')).default;
    const entry = '\0core-js-entry';
    const bundle = await rollup({
      input: entry,
      plugins: [
        { name: 'entry', resolveId: (id) => (id === entry ? id : null), load: (id) => (id === entry ? "import 'core-js/actual';" : null) },
        nodeResolve({ browser: true, rootDir: ROOT }),
        commonjs({ strictRequires: true }),
      ],
      onwarn: () => {},
    });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await bundle.write({ file: file + '.tmp', format: 'iife', banner: `/* core-js ${version}: core-js/actual, bundled for the interop test */` });
    await bundle.close();
    fs.renameSync(file + '.tmp', file);
  }
  fs.copyFileSync(file, link);
  return { file, url: '/.cache/browser/core-js.js', version };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  buildCoreJs().then((r) => console.log(r));
}
