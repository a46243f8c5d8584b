// `npm run test:browsers`: the whole engine matrix. Kept free of imports and newer syntax so that
// whatever `node` npm puts first on PATH can start it: the node14/node15 devDependencies install a
// `node` binary in node_modules/.bin, and the matrix itself needs Node >= 18 (playwright-core).
// Arguments are passed on to matrix.mjs (see there: --only=, --skip-build, --verbose, ...).
const major = Number(process.versions.node.split('.')[0]);
if (major >= 18) {
  import('./matrix.mjs').then((m) => m.main(process.argv.slice(2))).then(
    (code) => { process.exitCode = code; },
    (e) => { console.error(e && e.stack || e); process.exitCode = 2; },
  );
} else {
  Promise.all([import('child_process'), import('path'), import('fs'), import('url')]).then(([cp, path, fs, url]) => {
    const candidates = [process.env.npm_node_execpath, process.env.NODE];
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
      if (!dir.includes('node_modules')) candidates.push(path.join(dir, 'node'));
    }
    const node = candidates.find((p) => {
      if (!p || !fs.existsSync(p) || path.resolve(p) === path.resolve(process.execPath)) return false;
      const r = cp.spawnSync(p, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' });
      return Number(r.stdout) >= 18;
    });
    if (!node) {
      console.error(`test/browser/run.mjs needs Node >= 18 (this is ${process.version}) and found none on PATH.`);
      process.exit(2);
    }
    const self = url.fileURLToPath(import.meta.url);
    const r = cp.spawnSync(node, [self, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(r.status === null ? 2 : r.status);
  });
}
