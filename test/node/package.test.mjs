// The published shape: `npm pack`, installed into a temporary project, used the three ways the
// README shows (CommonJS polyfill, ESM polyfill, ponyfill), typed with a pre-ES2024 lib; the
// tarball as the ecosystem's checkers see it (publint, arethetypeswrong) and as TypeScript
// consumers compile against it (nodenext .cts and .mts, bundler); plus the Node process lifetime
// rules, in child processes.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const attw = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const run = (cwd, args, opts = {}) => spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60000, ...opts });
// tsc and attw are tools, not this package's code: under `npm run coverage` they write no V8
// coverage (megabytes per TypeScript process) for c8 to read.
const toolEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_V8_COVERAGE'));
const tool = (cwd, args) => run(cwd, args, { env: toolEnv });
/** tsc's options for every consumer: strict, a lib without ES2024's Atomics.waitAsync, Node's types. */
const tsBase = ['--strict', '--target', 'ES2020', '--lib', 'ES2020', '--types', 'node', '--typeRoots', join(root, 'node_modules/@types')];
/** The error lines of a tsc run (`file(line,col): error TSnnnn: ...`) as `file:line TSnnnn`. */
const tsErrors = (r) => [...(r.stdout + r.stderr).matchAll(/^(\S+)\((\d+),\d+\): error (TS\d+)/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);

describe('package: npm pack, installed in a fresh project', function () {
  this.timeout(180000);
  let dir;
  let tgz;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'awa-pack-'));
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, encoding: 'utf8' });
    tgz = join(dir, out.trim().split('\n').pop());
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', tgz], { cwd: dir });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the tarball holds dist, the polyfill stub, LICENSE and CHANGELOG.md: no sources or tests', () => {
    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files.sort()).to.deep.equal(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json', 'polyfill/package.json',
      ...['atomics-wait-async.helper.js', 'atomics-wait-async.min.js', 'helper.js', 'index.browser.mjs', 'index.cjs',
        'index.d.cts', 'index.d.ts', 'index.mjs', 'polyfill.browser.mjs', 'polyfill.cjs', 'polyfill.d.cts', 'polyfill.d.ts',
        'polyfill.mjs'].map((f) => `dist/${f}`)].sort());
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/atomics-wait-async/package.json'), 'utf8'));
    const license = readFileSync(join(dir, 'node_modules/atomics-wait-async/LICENSE'), 'utf8');
    expect(pkg.license).to.equal('MIT');
    expect(license).to.match(/^MIT License\n\nCopyright \(c\) \d{4} atomics-wait-async contributors\n/);
  });

  it('publint finds nothing in the tarball (no error, warning or suggestion)', async () => {
    const data = readFileSync(tgz);
    const { messages, pkg } = await publint({
      pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, level: 'suggestion',
    });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false })}`)).to.deep.equal([]);
  });

  it('arethetypeswrong finds no problem in the tarball; each entry gets the declarations of its module system', () => {
    // The two plain-script subpaths have no types by design (README, "Development"); excluded by name.
    const r = tool(dir, [attw, tgz, '--format', 'json', '--exclude-entrypoints', './helper.js', './atomics-wait-async.min.js']);
    const out = JSON.parse(r.stdout);
    // One line per problem: its kind, where (entry, resolution mode) and the file it is about.
    const problems = out.analysis.problems.map((p) => [p.kind, p.entrypoint, p.resolutionKind || p.resolutionOption,
      (p.typesFileName || p.fileName || '').replace('/node_modules/atomics-wait-async/', ''), p.moduleSpecifier]
      .filter(Boolean).join(' '));
    expect(problems).to.deep.equal([]);
    expect(r.status, r.stderr).to.equal(0);
    const types = {};
    for (const [entry, { resolutions }] of Object.entries(out.analysis.entrypoints)) {
      for (const [kind, { resolution }] of Object.entries(resolutions)) {
        types[`${entry} ${kind}`] = resolution && resolution.fileName.replace('/node_modules/atomics-wait-async/', '');
      }
    }
    expect(types).to.deep.equal({
      '. node10': 'dist/index.d.cts', '. node16-cjs': 'dist/index.d.cts', '. node16-esm': 'dist/index.d.ts', '. bundler': 'dist/index.d.ts',
      './polyfill node10': 'dist/polyfill.d.cts', './polyfill node16-cjs': 'dist/polyfill.d.cts',
      './polyfill node16-esm': 'dist/polyfill.d.ts', './polyfill bundler': 'dist/polyfill.d.ts',
      './package.json node10': 'package.json', './package.json node16-cjs': 'package.json',
      './package.json node16-esm': 'package.json', './package.json bundler': 'package.json',
    });
  });

  const scenario = `
    const ta = new Int32Array(new SharedArrayBuffer(8));
    const r = Atomics.waitAsync(ta, 0, 0, 30000);
    const w = new Worker("const { workerData } = require('worker_threads'); const t = new Int32Array(workerData);" +
      "Atomics.store(t, 0, 1); Atomics.notify(t, 0);", { eval: true, workerData: ta.buffer });
    const keep = setTimeout(() => {}, 30000);
    r.value.then((v) => { console.log(JSON.stringify({ async: r.async, v, name: Atomics.waitAsync.name })); clearTimeout(keep); w.terminate(); });
  `;

  it("require('atomics-wait-async/polyfill') installs where native is missing (CommonJS)", () => {
    writeFileSync(join(dir, 'cjs.cjs'), `delete Atomics.waitAsync;
      require('atomics-wait-async/polyfill');
      const { Worker } = require('worker_threads');
      ${scenario}`);
    const r = run(dir, ['cjs.cjs']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ async: true, v: 'ok', name: 'waitAsync' });
  });

  it("import 'atomics-wait-async/polyfill' installs where native is missing (ESM)", () => {
    writeFileSync(join(dir, 'esm.mjs'), `delete Atomics.waitAsync;
      const { Worker } = await import('node:worker_threads');
      await import('atomics-wait-async/polyfill');
      ${scenario}`);
    const r = run(dir, ['esm.mjs']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ async: true, v: 'ok', name: 'waitAsync' });
  });

  it('the polyfill leaves a native Atomics.waitAsync alone', () => {
    writeFileSync(join(dir, 'native.cjs'), `const before = Atomics.waitAsync;
      require('atomics-wait-async/polyfill');
      const p = require('atomics-wait-async');
      console.log(JSON.stringify([Atomics.waitAsync === before, p.waitAsync === before, p.hasNativeWaitAsync, p.install()]));`);
    const r = run(dir, ['native.cjs']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal([true, true, true, false]);
  });

  it('where native exists, loading and using the package starts no thread and allocates no SharedArrayBuffer', () => {
    // Counted by wrapping the constructors before the package loads (it captures them then).
    writeFileSync(join(dir, 'zero.cjs'), `const wt = require('worker_threads');
      const made = { Worker: 0, SharedArrayBuffer: 0 };
      let counting = true;
      const RealW = wt.Worker;
      wt.Worker = class extends RealW { constructor(...a) { if (counting) made.Worker++; super(...a); } };
      const RealS = SharedArrayBuffer;
      globalThis.SharedArrayBuffer = new Proxy(RealS, { construct(t, a) { if (counting) made.SharedArrayBuffer++; return new t(...a); } });
      require('atomics-wait-async/polyfill');
      const p = require('atomics-wait-async');
      counting = false;
      const ta = new Int32Array(new RealS(8));
      counting = true;
      const r = p.waitAsync(ta, 0, 0);
      const n = p.notify(ta, 0);
      r.value.then((v) => {
        counting = false;
        console.log(JSON.stringify({ made, v, n, helpers: p.stats().helpers, handles: process.getActiveResourcesInfo().filter((x) => x === 'MessagePort' || x === 'Worker').length }));
      });`);
    const r = run(dir, ['zero.cjs']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ made: { Worker: 0, SharedArrayBuffer: 0 }, v: 'ok', n: 1, helpers: 0, handles: 0 });
  });

  it('ESM and CommonJS builds loaded together share one engine', () => {
    writeFileSync(join(dir, 'dual.mjs'), `delete Atomics.waitAsync;
      import { createRequire } from 'node:module';
      const esm = await import('atomics-wait-async');
      const cjs = createRequire(import.meta.url)('atomics-wait-async');
      const ta = new Int32Array(new SharedArrayBuffer(4));
      const r = esm.waitAsync(ta, 0, 0);
      console.log(JSON.stringify([cjs.notify(ta, 0), await r.value]));`);
    const r = run(dir, ['dual.mjs']);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal([1, 'ok']);
  });

  it('TypeScript: Atomics.waitAsync type-checks after importing the polyfill, with lib ES2020', () => {
    writeFileSync(join(dir, 'use.ts'), `import 'atomics-wait-async/polyfill';
      import { waitAsync, notify, isSharedArrayBuffer } from 'atomics-wait-async';
      const ta = new Int32Array(new SharedArrayBuffer(4));
      const r = Atomics.waitAsync(ta, 0, 0, 10);
      if (r.async) { const p: Promise<'ok' | 'timed-out'> = r.value; void p; } else { const v: 'not-equal' | 'timed-out' = r.value; void v; }
      const r2 = waitAsync(ta, 0, 0);
      const n: number = notify(ta, 0, 1);
      const b: boolean = isSharedArrayBuffer(ta.buffer);
      void r2; void n; void b;`);
    writeFileSync(join(dir, 'bad.ts'), `import 'atomics-wait-async/polyfill';
      Atomics.waitAsync(new Float64Array(1), 0, 0);`);
    const args = ['--noEmit', ...tsBase, '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const ok = tool(dir, [tsc, ...args, 'use.ts']);
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    const bad = tool(dir, [tsc, ...args, 'bad.ts']);
    expect(bad.status).to.not.equal(0); // a Float64Array is rejected by the declared signature
    expect(bad.stdout).to.match(/Float64Array/);
  });

  // A consumer per module setup, each in its own folder of the temp project: `use` (the ponyfill's
  // named imports and the polyfill's global Atomics.waitAsync, lib ES2020) must compile under
  // --strict against the declarations of its module system, and `bad` must fail with exactly its
  // two deliberate errors (an import the types got wrong would add others).
  const consumers = [
    {
      name: "module nodenext, a CommonJS file (.cts): require()'s declarations",
      // node16 too: unlike nodenext (TypeScript 5.8+), it allows no require() of an ES module at all.
      ext: 'cts', args: ['--module', 'nodenext', '--moduleResolution', 'nodenext'], also: ['--module', 'node16', '--moduleResolution', 'node16'],
      dts: ['index.d.cts', 'polyfill.d.cts'], format: "typeof require === 'function' && typeof module === 'object'",
      out: 'use.cjs',
    },
    {
      name: 'module nodenext, an ES module file (.mts): import\'s declarations',
      ext: 'mts', args: ['--module', 'nodenext', '--moduleResolution', 'nodenext'],
      dts: ['index.d.ts', 'polyfill.d.ts'], format: "typeof import.meta.url === 'string'",
      out: 'use.mjs',
    },
    {
      name: 'moduleResolution bundler (.ts)',
      ext: 'ts', args: ['--module', 'esnext', '--moduleResolution', 'bundler'],
      dts: ['index.d.ts', 'polyfill.d.ts'],
    },
  ];
  for (const c of consumers) {
    it(`TypeScript consumer, ${c.name}`, () => {
      const sub = join(dir, `ts-${c.ext}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `use.${c.ext}`), `import 'atomics-wait-async/polyfill';
        import { waitAsync, notify, isSharedArrayBuffer } from 'atomics-wait-async';
        import type { WaitAsyncResult } from 'atomics-wait-async';
        const ta = new Int32Array(new SharedArrayBuffer(4));
        const g = Atomics.waitAsync(ta, 0, 1, 10);
        const gv: 'not-equal' | 'timed-out' | Promise<'ok' | 'timed-out'> = g.value;
        if (g.async) { const p: Promise<'ok' | 'timed-out'> = g.value; void p; }
        const r: WaitAsyncResult = waitAsync(ta, 0, 1);
        const n: number = notify(ta, 0, 1);
        const b: boolean = isSharedArrayBuffer(ta.buffer);
        ${c.format ? `console.log(JSON.stringify({ format: ${c.format}, global: gv, ponyfill: r, n, b }));` : 'void gv; void r; void n; void b;'}
        export {};
      `);
      writeFileSync(join(sub, `bad.${c.ext}`), `import 'atomics-wait-async/polyfill';
        import { notify } from 'atomics-wait-async';
        Atomics.waitAsync(new Float64Array(1), 0, 0);
        const count: string = notify(new Int32Array(new SharedArrayBuffer(4)), 0);
        void count;
        export {};
      `);
      const emit = c.out ? ['--outDir', 'out'] : ['--noEmit'];
      const ok = tool(sub, [tsc, ...tsBase, ...c.args, ...emit, '--listFiles', `use.${c.ext}`]);
      expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
      // The declarations tsc loaded from the package: those of this file's module system only.
      const loaded = ok.stdout.split('\n').filter((f) => f.includes('/node_modules/atomics-wait-async/'))
        .map((f) => f.replace(/.*\/node_modules\/atomics-wait-async\/dist\//, ''));
      expect(loaded.sort()).to.deep.equal(c.dts);
      if (c.also) {
        const again = tool(sub, [tsc, ...tsBase, ...c.also, '--noEmit', `use.${c.ext}`]);
        expect(again.status, `${c.also.join(' ')}: ${again.stdout}${again.stderr}`).to.equal(0);
      }
      const bad = tool(sub, [tsc, ...tsBase, ...c.args, '--noEmit', `bad.${c.ext}`]);
      expect(tsErrors(bad), bad.stdout).to.deep.equal([`bad.${c.ext}:3 TS2345`, `bad.${c.ext}:4 TS2322`]);
      expect(bad.stdout).to.match(/Float64Array/);
      if (c.out) {
        // What tsc emitted runs, in the module system the declarations described.
        const r = run(sub, [join('out', c.out)]);
        expect(r.status, r.stderr).to.equal(0);
        expect(JSON.parse(r.stdout)).to.deep.equal({ format: true, global: 'not-equal', ponyfill: { async: false, value: 'not-equal' }, n: 0, b: true });
      }
    });
  }
});

describe('Node process lifetime (child processes)', function () {
  this.timeout(60000);
  const dist = (f) => JSON.stringify(join(root, 'dist', f));
  const child = (code) => spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30000 });

  it('a pending shimmed waitAsync does not keep the process alive, like native V8', () => {
    for (const del of [true, false]) {
      const r = child(`${del ? 'delete Atomics.waitAsync;' : ''} const l = require(${dist('index.cjs')}); l.install();
        const ta = new Int32Array(new SharedArrayBuffer(4));
        const r = Atomics.waitAsync(ta, 0, 0, 5000);
        r.value.then((v) => console.log('settled', v));
        console.log(l.hasNativeWaitAsync ? 'native' : 'shim', r.async);`);
      expect(r.error, 'the child did not exit by itself').to.equal(undefined);
      expect(r.status).to.equal(0);
      expect(r.stdout.trim()).to.equal(`${del ? 'shim' : 'native'} true`);
    }
  });

  it('configure({ keepAlive: true }) keeps it alive until the waits settle', () => {
    const r = child(`delete Atomics.waitAsync; const l = require(${dist('index.cjs')}); l.install();
      l.configure({ keepAlive: true });
      const ta = new Int32Array(new SharedArrayBuffer(4));
      Atomics.waitAsync(ta, 0, 0, 300).value.then((v) => console.log('settled', v));`);
    expect(r.error).to.equal(undefined);
    expect(r.status).to.equal(0);
    expect(r.stdout.trim()).to.equal('settled timed-out');
  });

  it('configure() rejects options it does not know, naming the option and the fix', () => {
    const r = child(`const l = require(${dist('index.cjs')});
      for (const o of [{ idleTimout: 5 }, { idleTimeout: -1 }, { keepAlive: 'yes' }, { maxHelpers: 0 }, { helperUrl: 5 },
        { exactWaiters: 0 }, { exactWaiters: 1.5 }, null, { helperUrl: 'https://example.com/helper.js' },
        { helperUrl: new URL('https://example.com/helper.js') }]) {
        try { l.configure(o); console.log('accepted', JSON.stringify(o)); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
      }`);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(10);
    expect(lines[0]).to.match(/^TypeError: .*idleTimout.*unknown option.*idleTimeout/);
    expect(lines[1]).to.match(/^TypeError: .*idleTimeout.*>= 0/);
    expect(lines[2]).to.match(/^TypeError: .*keepAlive.*true or false/);
    expect(lines[3]).to.match(/^TypeError: .*maxHelpers.*integer >= 1/);
    expect(lines[4]).to.match(/^TypeError: .*helperUrl.*dist\/helper\.js/);
    expect(lines[5]).to.match(/^TypeError: .*exactWaiters.*integer >= 1/);
    expect(lines[6]).to.match(/^TypeError: .*exactWaiters.*integer >= 1/);
    expect(lines[7]).to.match(/^TypeError: .*options object/);
    // A string or a URL (a browser option; Node evaluates its helper and never reads it).
    expect(lines[8]).to.equal('accepted {"helperUrl":"https://example.com/helper.js"}');
    expect(lines[9]).to.equal('accepted {"helperUrl":"https://example.com/helper.js"}');
  });

  it('uninstall() where the engine had no waitAsync removes it again and restores the original notify', () => {
    const r = child(`delete Atomics.waitAsync; const notify = Atomics.notify; const l = require(${dist('index.cjs')});
      const installed = l.install();
      const patched = typeof Atomics.waitAsync === 'function' && Atomics.notify !== notify;
      const removed = l.uninstall();
      console.log(JSON.stringify({ installed, patched, removed, has: 'waitAsync' in Atomics, same: Atomics.notify === notify,
        again: l.uninstall() }));`);
    expect(r.error, 'the child did not exit by itself').to.equal(undefined);
    expect(r.stdout.trim()).to.equal('{"installed":true,"patched":true,"removed":true,"has":false,"same":true,"again":false}');
  });

  it('ready(n) starts n helpers ahead of need and resolves once they have started; a bad n is a TypeError', () => {
    const r = child(`const l = require(${dist('index.cjs')});
      for (const n of [-1, 1.5, '2']) {
        try { l.ready(n); console.log('accepted', n); } catch (e) { console.log(e.constructor.name + ': ' + e.message); }
      }
      const keep = setTimeout(() => console.log('ready() did not resolve in 25 s'), 25000);
      l.ready(3).then(() => {
        clearTimeout(keep);
        const s = l.stats();
        console.log(JSON.stringify({ started: s.helpers >= 3, armed: s.armed, pending: s.pending }));
      });`);
    expect(r.error, 'the child did not exit by itself').to.equal(undefined);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(4);
    for (const line of lines.slice(0, 3)) expect(line).to.match(/^TypeError: .*ready\(helpers\).*integer >= 0/);
    expect(lines[3]).to.equal('{"started":true,"armed":0,"pending":0}');
  });
});
