// `npm run test:bundlers`: the package as users bundle it. The tarball `npm pack` makes is installed
// into a temporary app (test/bundlers/app: `import 'atomics-wait-async/polyfill'`, then 20 rounds of
// page-waits-with-Atomics.waitAsync / worker-stores-and-notifies), which is built with each bundler
// (the pinned devDependencies of this package, linked into the app) and served with COOP/COEP, with
// and without the strict CSP `default-src 'self'; worker-src 'self'`, to Firefox ESR 140 (no native
// waitAsync: the shim) and Chromium (native deleted in the page and its worker before the polyfill
// loads). Each page reports its outcomes and every worker it started; the server logs each request.
// A page passes when every round settles "ok" and the helper came from the file the bundler should
// have produced: a 404, a data: worker, a blob: fallback or a CSP violation fails it. Two controls
// check the failure modes the README documents (esbuild without the copy step; a bundler that
// inlines the helper as a data: URL, which the package must refuse).
//
// Options: --skip-build (use dist/ as it is), --only=<case,...>, --browsers=<firefox-140,chromium>,
//   --verbose (build output, every page's workers), --keep (keep the temp dir). Browser logs and
//   the last run's details (last-run.json) go to .cache/bundlers/.
// Prints a table, then one line: "N passed, N failed".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, startServer } from '../browser/server.mjs';
import { launchChromium, launchFirefox } from '../browser/browsers.mjs';

const APP_SRC = path.join(ROOT, 'test/bundlers/app');
const LOG_DIR = path.join(ROOT, '.cache/bundlers');
const PAGE_TIMEOUT = Number(process.env.AWA_PAGE_TIMEOUT) || 120000;
const BUILD_TIMEOUT = 300000;
/** The bundlers the app uses, linked from this package's node_modules (pinned devDependencies). */
const LINKED = ['vite', 'webpack', 'webpack-cli', 'esbuild', 'rollup', '@rollup/plugin-node-resolve'];
const PROFILES = [{ csp: 'none', profile: 'isolated' }, { csp: 'strict', profile: 'csp-strict' }];
const HELPER = 'node_modules/atomics-wait-async/dist/helper.js';

/**
 * The cases. `build(ctx)` writes the app into www/<id>/ (or starts a server); `expect(csp)` says
 * what the page must show: { ok: true, helper: RegExp of the helper's path } for a working case,
 * { ok: true, blob: true, notFound: RegExp } or { ok: false, error: [RegExp] } for the controls.
 */
const CASES = [
  {
    id: 'vite-build', bundler: 'Vite 8 build', setup: 'out of the box',
    build: (c) => c.node(['node_modules/vite/bin/vite.js', 'build', '--base', '/vite-build/', '--outDir', c.out('vite-build'), '--emptyOutDir']),
    expect: () => ({ ok: true, helper: /^\/vite-build\/assets\/helper-[\w-]+\.js$/ }),
  },
  {
    id: 'vite-dev', bundler: 'Vite 8 dev server', setup: 'out of the box', dev: true,
    build: (c) => c.startViteDev(),
    expect: () => ({ ok: true, helper: /^\/node_modules\/atomics-wait-async\/dist\/helper\.js\?worker_file&type=classic$/ }),
  },
  {
    id: 'webpack', bundler: 'webpack 5', setup: 'out of the box',
    build: async (c) => {
      await c.node(['node_modules/webpack-cli/bin/cli.js', '--mode', 'production', '--entry', './src/main.js', '--output-path', c.out('webpack')]);
      c.page('webpack', '<script defer src="main.js"></script>');
    },
    expect: () => ({ ok: true, helper: /^\/webpack\/\d+\.js$/ }),
  },
  {
    id: 'esbuild', bundler: 'esbuild 0.28', setup: 'recipe: copy dist/helper.js next to the bundle',
    build: async (c) => {
      await c.exec('node_modules/esbuild/bin/esbuild', ['src/main.js', '--bundle', '--format=esm', `--outdir=${c.out('esbuild')}`]);
      c.copy(HELPER, 'esbuild/helper.js');
      c.page('esbuild');
    },
    expect: () => ({ ok: true, helper: /^\/esbuild\/helper\.js$/ }),
  },
  {
    id: 'esbuild-configure', bundler: 'esbuild 0.28', setup: 'recipe: copy elsewhere + configure({ helperUrl })',
    build: async (c) => {
      await c.exec('node_modules/esbuild/bin/esbuild', ['src/main-configured.js', '--bundle', '--format=esm', `--outfile=${c.out('esbuild-configure')}/main.js`]);
      c.copy(HELPER, 'esbuild-configure/static/atomics-wait-async-helper.js');
      c.page('esbuild-configure');
    },
    expect: () => ({ ok: true, helper: /^\/esbuild-configure\/static\/atomics-wait-async-helper\.js$/ }),
  },
  {
    id: 'rollup', bundler: 'Rollup 4 + node-resolve', setup: 'recipe: copy dist/helper.js next to the bundle',
    build: async (c) => {
      await c.node(['node_modules/rollup/dist/bin/rollup', 'src/main.js', '-p', 'node-resolve', '-f', 'es', '-d', c.out('rollup')]);
      c.copy(HELPER, 'rollup/helper.js');
      c.page('rollup');
    },
    expect: () => ({ ok: true, helper: /^\/rollup\/helper\.js$/ }),
  },
  {
    id: 'esbuild-bare', bundler: 'esbuild 0.28', setup: 'control: no copy step', control: true,
    build: async (c) => {
      await c.exec('node_modules/esbuild/bin/esbuild', ['src/main.js', '--bundle', '--format=esm', `--outdir=${c.out('esbuild-bare')}`]);
      c.page('esbuild-bare');
    },
    // Without the file: a 404, then the blob: fallback, which the strict CSP blocks (a clear Error).
    expect: (csp) => csp === 'none'
      ? { ok: true, blob: true, notFound: /^\/esbuild-bare\/helper\.js$/ }
      : { ok: false, notFound: /^\/esbuild-bare\/helper\.js$/, error: [/no helper worker could start/, /\/esbuild-bare\/helper\.js \(did not start\)/, /a blob: URL \(blocked by Content-Security-Policy/, /worker-src/, /Bundlers/] },
  },
  {
    id: 'esbuild-data', bundler: 'esbuild + data: inlining', setup: 'control: helper inlined as data:', control: true,
    build: async (c) => {
      await c.node(['build-inline-data.mjs', `${c.out('esbuild-data')}/main.js`]);
      c.page('esbuild-data');
    },
    // The data: URL is refused (never started): the blob: fallback runs, or the CSP blocks it too.
    expect: (csp) => csp === 'none'
      ? { ok: true, blob: true }
      : { ok: false, error: [/no helper worker could start/, /a data: URL \(refused/, /a blob: URL \(blocked by Content-Security-Policy/, /worker-src/] },
  },
];

function parseArgs(argv) {
  const o = { skipBuild: false, verbose: false, keep: false, only: null, browsers: null };
  for (const a of argv) {
    if (a === '--skip-build') o.skipBuild = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--keep') o.keep = true;
    else if (a.startsWith('--only=')) o.only = new Set(a.slice(7).split(',').filter(Boolean));
    else if (a.startsWith('--browsers=')) o.browsers = new Set(a.slice(11).split(',').filter(Boolean));
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** Runs a command; resolves with its output, rejects with the output's tail if it fails. */
function exec(cmd, args, { cwd, verbose, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (verbose) process.stdout.write(out.replace(/^/gm, '    | '));
      if (code === 0) resolve(out);
      else reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${code ?? signal}:\n${out.split('\n').slice(-15).join('\n')}`));
    });
  });
}

/** The browsers: Firefox ESR 140 (shim, no native) and Chromium (native deleted: del=1). */
function browserTargets(want) {
  let manifest = {};
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(ROOT, '.cache/engines/engines.json'), 'utf8'));
  } catch { /* not installed with scripts/install-engines.sh */ }
  const ff = (manifest.firefox || []).find((f) => f.major === 140);
  const targets = [
    { id: 'firefox-140', name: 'Firefox 140', kind: 'firefox', del: 0,
      exe: ff?.path || path.join(ROOT, '.cache/engines/firefox-140/usr/lib/firefox-esr/firefox-esr') },
    { id: 'chromium', name: 'Chromium', kind: 'chromium', del: 1, exe: manifest.chromium?.path || '/usr/bin/chromium' },
  ];
  return targets.filter((t) => !want || want.has(t.id));
}

/** npm pack's tarball, installed into a fresh app; the bundlers linked from our node_modules. */
async function prepareApp(work, opts) {
  const packed = JSON.parse(await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT }));
  const tarball = packed[0].filename;
  const app = path.join(work, 'app');
  fs.cpSync(APP_SRC, app, { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'awa-bundlers-app', private: true, type: 'module',
    dependencies: { 'atomics-wait-async': `file:../${tarball}` },
  }, null, 2));
  // A local tarball and no other dependency: nothing to fetch (--offline keeps it that way).
  await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], { cwd: app, verbose: opts.verbose });
  for (const name of LINKED) {
    const target = path.join(ROOT, 'node_modules', name);
    if (!fs.existsSync(target)) throw new Error(`${name} is not installed in this package's node_modules (npm install)`);
    fs.mkdirSync(path.dirname(path.join(app, 'node_modules', name)), { recursive: true });
    fs.symlinkSync(target, path.join(app, 'node_modules', name), 'dir');
  }
  return { app, tarball };
}

/** Vite's dev server on the app, in this process, with the same headers as the static server. */
async function startViteDev(app, staticOrigin, record) {
  const { createServer } = await import(pathToFileURL(path.join(app, 'node_modules/vite/dist/node/index.js')).href);
  const headers = {
    name: 'awa-test-headers',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const asked = req.url; // Vite's own middlewares may rewrite req.url
        const url = new URL(asked, 'http://x');
        if (url.pathname === '/favicon.ico') return void res.writeHead(204).end(); // as the static server
        if (!url.pathname.startsWith('/__')) res.on('finish', () => record({ path: asked, status: res.statusCode }));
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        if ((url.pathname === '/' || url.pathname.endsWith('.html')) && url.searchParams.get('profile') === 'csp-strict') {
          res.setHeader('Content-Security-Policy', "default-src 'self'; worker-src 'self'");
        }
        next();
      });
    },
  };
  const server = await createServer({
    configFile: false,
    root: app,
    logLevel: 'warn',
    clearScreen: false,
    plugins: [headers],
    server: {
      host: '127.0.0.1',
      port: 0,
      // The page reports to the test server, through its own origin (the strict CSP allows no other).
      proxy: { '/__report': staticOrigin, '/__log': staticOrigin },
    },
  });
  await server.listen();
  const origin = `http://127.0.0.1:${server.httpServer.address().port}`;
  // Warm up (dependency pre-bundling) before any browser comes, so no page sees a reload.
  for (const p of ['/index.html', '/src/main.js']) {
    const r = await fetch(origin + p);
    const text = await r.text();
    if (!r.ok) throw new Error(`vite dev: GET ${p} answered ${r.status}`);
    for (const m of text.matchAll(/from "(\/node_modules\/\.vite\/deps\/[^"]+)"/g)) await (await fetch(origin + m[1])).text();
  }
  return { origin, close: () => server.close() };
}

/** One browser walks through its pages (restarted after a hang or crash, at most 3 launches). */
async function runPages(server, target, pages, logFile, setActive) {
  const queue = pages.slice();
  let launches = 0;
  while (queue.length && launches < 3) {
    launches++;
    let finish;
    const done = new Promise((r) => { finish = r; });
    let watchdog;
    let current = null;
    const session = server.session({
      absolute: true,
      next: () => {
        current = queue.shift() || null;
        setActive(current);
        clearTimeout(watchdog);
        if (current) {
          current.started = Date.now();
          watchdog = setTimeout(() => finish('timeout'), PAGE_TIMEOUT);
        }
        return current;
      },
      onReport: (page, body) => {
        page.facts = body;
        page.ms = Date.now() - page.started;
      },
      onDone: () => finish('done'),
    });
    let browser;
    try {
      browser = target.kind === 'chromium'
        ? await launchChromium(target.exe, session.startUrl, { onConsole: (l) => fs.appendFileSync(logFile, l + '\n') })
        : launchFirefox(target.exe, session.startUrl, { logFile });
    } catch (e) {
      session.close();
      for (const p of queue.splice(0)) p.crash = `the browser did not start: ${String(e && e.message || e).split('\n')[0]}`;
      break;
    }
    browser.exited.then(() => finish('exited'));
    const why = await done;
    clearTimeout(watchdog);
    setActive(null);
    await browser.close();
    session.close();
    if (why === 'done') break;
    if (current) {
      current.crash = why === 'timeout' ? `no report within ${PAGE_TIMEOUT / 1000} s (browser restarted)` : 'the browser exited before the page reported';
    }
  }
  for (const p of queue) p.crash ??= 'not run (the browser failed 3 times)';
}

const pathOf = (u) => {
  try {
    const x = new URL(u);
    return x.pathname + x.search;
  } catch {
    return u;
  }
};
const kindOf = (u) => (/^\s*data:/i.test(u) ? 'data' : u.startsWith('blob:') ? 'blob' : 'file');

/** Judges one page: its report and the requests the server saw while it ran. */
function judge(page) {
  const problems = [];
  const e = page.expect;
  const f = page.facts;
  if (page.crash || !f) return { pass: false, problems: [page.crash || 'no report'], helper: '—', result: 'no report' };
  const helpers = (f.workers || []).filter((w) => !/\/partner\.js(\?|$)/.test(pathOf(w.url)));
  const running = helpers.filter((w) => w.state === 'running');
  const name = (w) => (kindOf(w.url) === 'file' ? pathOf(w.url) : `${kindOf(w.url)}:`);
  const after404 = (page.requests || []).filter((r) => r.status === 404).map((r) => r.path);
  const helper = running.length
    ? [...new Set(running.map(name))].join(', ') + (after404.length ? ` (after a 404 of ${after404.join(', ')})` : '')
    : `none (${helpers.map((w) => `${name(w)} ${w.state}`).join(', ') || 'no worker started'})`;
  const failed = (page.requests || []).filter((r) => r.status >= 400);
  const woken = f.outcomes.filter((o) => o === 'async ok').length;
  const result = f.error
    ? `Error: ${f.error}`
    : `${f.rounds}/${f.wanted} rounds, ${woken} woken "ok"${f.earlyWakes ? `, ${f.earlyWakes} early wake(s) re-checked` : ''}`;

  if (!f.crossOriginIsolated) problems.push('page not cross-origin isolated');
  if (!f.shim) problems.push(`the shim is not what runs (hadWaitAsync ${f.hadWaitAsync}, deleted ${f.deleted})`);
  if (f.partner && f.partner.hasWaitAsync) problems.push('the partner worker still has a native Atomics.waitAsync');
  for (const w of helpers) if (kindOf(w.url) === 'data') problems.push(`a worker was started from a data: URL (${w.state})`);
  for (const r of failed) if (!(e.notFound && r.status === 404 && e.notFound.test(r.path))) problems.push(`server: ${r.status} ${r.path}`);
  if (e.notFound && !failed.some((r) => r.status === 404 && e.notFound.test(r.path))) problems.push(`expected a 404 for ${e.notFound}`);
  if (e.ok) {
    if (f.error) problems.push(`error: ${f.error}`);
    if (!(f.rounds > 0 && f.rounds === f.wanted)) problems.push(`${f.rounds}/${f.wanted} rounds, outcomes ${JSON.stringify(f.outcomes)}`);
    // Each round ends "ok" from a wake, or "not-equal" when an early wake's re-wait came after the store.
    if (!woken) problems.push(`no round was woken "ok" across threads: ${JSON.stringify(f.outcomes)}`);
    if (!running.length) problems.push('no helper worker ran');
    if (e.blob) {
      for (const w of running) if (kindOf(w.url) !== 'blob') problems.push(`helper from ${w.url}, expected the blob: fallback`);
    } else {
      for (const w of helpers) {
        const p = pathOf(w.url);
        if (kindOf(w.url) !== 'file' || !e.helper.test(p)) problems.push(`helper worker ${w.url.slice(0, 80)} (${w.state}), expected ${e.helper}`);
        // Spares started ahead of need may not have answered yet when the page reports: only a
        // helper that failed (or threw) is a problem; one that served is required below.
        else if (w.state !== 'running' && w.state !== 'created') problems.push(`helper worker ${p}: ${w.state}`);
        else if (!(page.requests || []).some((r) => r.path === p && (r.status === 200 || r.status === 304))) problems.push(`server never served ${p}`);
      }
      for (const v of f.violations || []) problems.push(`CSP violation: ${v.directive} ${v.blockedURI}`);
    }
    for (const m of f.errors || []) problems.push(`uncaught: ${m}`);
  } else {
    if (!f.error) problems.push(`expected an Error, got outcomes ${JSON.stringify(f.outcomes)}`);
    else for (const re of e.error) if (!re.test(f.error)) problems.push(`the Error does not match ${re}`);
    if (running.length) problems.push(`a helper ran (${helper}), expected none`);
  }
  return { pass: problems.length === 0, problems, helper, result };
}

async function main(argv) {
  const opts = parseArgs(argv);
  for (const id of opts.only || []) if (!CASES.some((c) => c.id === id)) throw new Error(`unknown case ${id} (known: ${CASES.map((c) => c.id).join(', ')})`);
  const t0 = Date.now();
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const cases = CASES.filter((c) => !opts.only || opts.only.has(c.id));
  const targets = browserTargets(opts.browsers);
  let passed = 0;
  let failed = 0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'awa-bundlers-'));
  const www = path.join(work, 'www');
  fs.mkdirSync(www);
  let server;
  let viteDev;
  let active = null;
  // A request inside another case's folder is a late one of the page before (a worker fetch that
  // lands after the navigation), not this page's.
  const otherCase = (r) => cases.some((c) => c !== active.c && r.path.startsWith(`/${c.id}/`));
  const record = (r) => { if (active && !r.path.startsWith('/__') && !otherCase(r)) (active.requests ||= []).push(r); };
  try {
    if (!opts.skipBuild) {
      console.log('building dist/ …');
      await exec(process.execPath, [path.join(ROOT, 'node_modules/rollup/dist/bin/rollup'), '-c', '--silent'], { cwd: ROOT });
    }
    const { app, tarball } = await prepareApp(work, opts);
    console.log(`${tarball} installed into ${app} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    server = await startServer({ root: www, onRequest: record });

    // Build every case; a failed build fails its pages.
    const ctx = {
      out: (id) => path.join(www, id),
      node: (args) => exec(process.execPath, args, { cwd: app, verbose: opts.verbose }),
      exec: (cmd, args) => exec(path.join(app, cmd), args, { cwd: app, verbose: opts.verbose }),
      copy: (from, to) => {
        fs.mkdirSync(path.dirname(path.join(www, to)), { recursive: true });
        fs.copyFileSync(path.join(app, from), path.join(www, to));
      },
      /** index.html, pre.js and partner.js for a bundler that does not write them. */
      page: (id, script = '<script type="module" src="main.js"></script>') => {
        const dir = path.join(www, id);
        fs.mkdirSync(dir, { recursive: true });
        for (const f of fs.readdirSync(path.join(app, 'public'))) fs.copyFileSync(path.join(app, 'public', f), path.join(dir, f));
        fs.writeFileSync(path.join(dir, 'index.html'),
          `<!doctype html>\n<meta charset="utf-8">\n<title>atomics-wait-async in a bundled app (${id})</title>\n` +
          `<script src="pre.js"></script>\n${script}\n`);
      },
      startViteDev: async () => {
        viteDev = await startViteDev(app, server.origin, record);
      },
    };
    for (const c of cases) {
      const b0 = Date.now();
      try {
        await c.build(ctx);
        c.buildMs = Date.now() - b0;
        console.log(`  built ${c.id.padEnd(18)} ${(c.buildMs / 1000).toFixed(1)} s`);
      } catch (e) {
        c.buildError = String(e && e.message || e);
        console.log(`  build ${c.id} FAILED: ${c.buildError}`);
      }
    }

    const pages = [];
    for (const t of targets) {
      for (const c of cases) {
        for (const { csp, profile } of PROFILES) {
          const origin = c.dev ? viteDev?.origin : server.origin;
          const q = new URLSearchParams({ case: c.id, profile, del: String(t.del) });
          pages.push({
            target: t, c, csp, expect: c.expect(csp),
            path: `${origin}/${c.dev ? '' : `${c.id}/`}index.html?${q}`,
            crash: c.buildError ? `build failed: ${c.buildError.split('\n')[0]}` : undefined,
          });
        }
      }
    }
    for (const t of targets) {
      const mine = pages.filter((p) => p.target === t && !p.crash);
      if (!mine.length) continue;
      if (!fs.existsSync(t.exe)) {
        for (const p of mine) p.crash = `${t.exe} not found: run scripts/install-engines.sh`;
        continue;
      }
      const logFile = path.join(LOG_DIR, `${t.id}.log`);
      fs.writeFileSync(logFile, '');
      const b0 = Date.now();
      await runPages(server, t, mine, logFile, (p) => { active = p; });
      console.log(`  ${t.name}: ${mine.length} pages in ${((Date.now() - b0) / 1000).toFixed(1)} s`);
    }

    // The table.
    console.log('');
    const row = (cols) => console.log(cols.map((s, i) => String(s).padEnd([26, 12, 7, 5, 44][i] || 0)).join(' ').trimEnd());
    row(['bundler (setup)', 'browser', 'CSP', '', 'result → helper came from']);
    for (const p of pages) {
      const j = judge(p);
      p.judged = j;
      if (j.pass) passed++;
      else failed++;
      row([p.c.id, p.target.name, p.csp, j.pass ? 'PASS' : 'FAIL', `${j.result.length > 60 ? `${j.result.slice(0, 57)}…` : j.result} → ${j.helper}`]);
      for (const m of j.problems) console.log(`      ✗ ${m.length > 400 ? `${m.slice(0, 400)}…` : m}`);
      if (opts.verbose && p.facts) console.log(`      workers: ${JSON.stringify(p.facts.workers.map((w) => [w.url.slice(0, 70), w.state]))}`);
    }
    console.log('');
    for (const c of cases) console.log(`  ${c.id.padEnd(18)} ${c.bundler} — ${c.setup}`);
    fs.writeFileSync(path.join(LOG_DIR, 'last-run.json'), JSON.stringify({
      date: new Date().toISOString(),
      wallMs: Date.now() - t0,
      pages: pages.map((p) => ({ case: p.c.id, browser: p.target.id, csp: p.csp, pass: p.judged.pass, result: p.judged.result,
        helper: p.judged.helper, problems: p.judged.problems, ms: p.ms, requests: p.requests, facts: p.facts })),
    }, null, 2));
  } catch (e) {
    console.error(e && e.stack || e);
    failed++;
  } finally {
    await viteDev?.close().catch(() => {});
    await server?.close();
    if (opts.keep) console.log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`bundler suite wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

// Exit when done: the browser launchers leave their close() deadline timers (5-10 s) pending.
main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  console.error(e && e.stack || e);
  process.exit(2);
});
