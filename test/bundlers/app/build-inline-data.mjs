// A control, not a recipe: esbuild with a plugin that turns the package's helper reference into a
// data: URL, as a bundler that inlines small assets would (Vite does so for a bare `new URL()` of a
// file under 4 KB). The package must refuse it and fall back to its blob: URL.
// Usage: node build-inline-data.mjs <outfile>
import fs from 'node:fs';
import * as esbuild from 'esbuild';

const helper = fs.readFileSync('node_modules/atomics-wait-async/dist/helper.js');
const dataUrl = JSON.stringify(`data:text/javascript;base64,${helper.toString('base64')}`);
// Quotes and spacing as our build printed them (dist/index.browser.mjs is rewritten by scripts/mangle.mjs).
const reference = /new URL\((['"])\.\/helper\.js\1,\s*import\.meta\.url\)/g;
let replaced = 0;

await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  format: 'esm',
  outfile: process.argv[2],
  logLevel: 'warning',
  plugins: [{
    name: 'inline-helper-as-data-url',
    setup(build) {
      build.onLoad({ filter: /atomics-wait-async[\\/]dist[\\/]index\.browser\.mjs$/ }, (args) => {
        const code = fs.readFileSync(args.path, 'utf8');
        replaced += (code.match(reference) || []).length;
        return { contents: code.replace(reference, () => dataUrl), loader: 'js' };
      });
    },
  }],
});
if (replaced !== 1) throw new Error(`expected one ${reference} in dist/index.browser.mjs, found ${replaced}`);
