// Bundles the model property (test/node/support/model.mjs) with fast-check into one ES module for
// the browsers' model page (test/browser/suites/model.mjs): .cache/browser/model.bundle.mjs, rebuilt
// on every run so that it is never older than the model.
import path from 'node:path';
import { ROOT } from './server.mjs';

export async function buildModelBundle() {
  const esbuild = await import('esbuild');
  const outfile = path.join(ROOT, '.cache/browser/model.bundle.mjs');
  await esbuild.build({
    stdin: {
      contents: "export * from './test/node/support/model.mjs';\nexport { default as fc } from 'fast-check';\n",
      resolveDir: ROOT,
      sourcefile: 'model-entry.mjs',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['firefox115', 'safari15'],
    outfile,
    logLevel: 'warning',
  });
  return { file: outfile, url: '/.cache/browser/model.bundle.mjs' };
}
