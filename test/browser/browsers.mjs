// Starting and stopping the browsers of the matrix, without any download:
//  - Chromium: playwright-core driving /usr/bin/chromium (a fresh user-data dir per launch);
//  - Firefox: no driver at all: spawned detached with a fresh profile (user.js below) on a URL;
//    the pages post their results to our server; stopping kills the whole process group.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
  '--no-default-browser-check', '--disable-dev-shm-usage',
];

// Quiet and offline. Deliberately NOT set: javascript.options.atomics_wait_async (Firefox 140 must
// be tested as it ships, without a native Atomics.waitAsync).
const FIREFOX_PREFS = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.update.checkInstallTime': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'app.normandy.api_url': '',
  'app.shield.optoutstudies.enabled': false,
  'extensions.update.enabled': false,
  'extensions.update.autoUpdateDefault': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.webcompat.perform_injections': false,
  'extensions.webcompat.perform_ua_overrides': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.policy.firstRunURL': '',
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.archive.enabled': false,
  'browser.ping-centre.telemetry': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.firstrunSkipsHomepage': true,
  'browser.startup.page': 0,
  'startup.homepage_welcome_url': '',
  'startup.homepage_welcome_url.additional': '',
  'browser.aboutwelcome.enabled': false,
  'trailhead.firstrun.didSeeAboutWelcome': true,
  'browser.newtabpage.enabled': false,
  'browser.newtab.preload': false,
  'browser.topsites.contile.enabled': false,
  'browser.region.update.enabled': false,
  'browser.search.update': false,
  'browser.translations.automaticallyPopup': false,
  'browser.sessionstore.resume_from_crash': false,
  'toolkit.startup.max_resumed_crashes': -1,
  'media.gmp-manager.updateEnabled': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'geo.provider.network.url': '',
  'browser.dom.window.dump.enabled': false,
  'dom.max_script_run_time': 0,
  'dom.max_chrome_script_run_time': 0,
  'devtools.console.stdout.content': true,
};

function userJs(extra = {}) {
  return Object.entries({ ...FIREFOX_PREFS, ...extra })
    .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n';
}

function tmpdir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Spawns Firefox on `url`; returns { pid, close(), exited }. Output goes to `logFile` if given;
 * `prefs` are extra user.js prefs (e.g. the benchmarks' native-baseline profile).
 */
export function launchFirefox(executable, url, { logFile, prefs } = {}) {
  const profile = tmpdir('awa-firefox-');
  fs.writeFileSync(path.join(profile, 'user.js'), userJs(prefs));
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(executable, ['--headless', '--no-remote', '--new-instance', '--profile', profile, url], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, MOZ_HEADLESS: '1', MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  if (typeof out === 'number') fs.closeSync(out);
  let exitCode;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    exitCode = code ?? signal;
    resolve(exitCode);
  }));
  return {
    pid: child.pid,
    exited,
    hasExited: () => exitCode !== undefined,
    async close() {
      if (exitCode === undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL'); // the whole process group: content processes too
        } catch { /* already gone */ }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Starts Chromium through playwright-core on `url`; returns { page, close(), exited } (page: for screenshots). */
export async function launchChromium(executable, url, { onConsole } = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = tmpdir('awa-chromium-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: executable,
    headless: true,
    args: CHROMIUM_ARGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  let closed = false;
  let resolveExit;
  const exited = new Promise((r) => { resolveExit = r; });
  context.on('close', () => resolveExit('closed'));
  const page = context.pages()[0] || await context.newPage();
  if (onConsole) {
    page.on('console', (m) => onConsole(`[console.${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => onConsole(`[pageerror] ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => onConsole(`[worker console] ${m.text()}`)));
  }
  page.goto(url).catch(() => { /* navigations continue from the page itself */ });
  return {
    page,
    exited,
    hasExited: () => closed,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 10000))]);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Where Debian's libwebkit2gtk-4.1-0 puts its test browser (scripts/install-engines.sh). */
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Starts Xvfb on a display of its own (-displayfd: the server picks a free one and says which). */
function startXvfb() {
  const x = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp', '-noreset'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let err = '';
  x.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    let buf = '';
    const fail = (why) => {
      try { process.kill(-x.pid, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`Xvfb: ${why}${err ? ': ' + err.trim().split('\n').slice(-3).join(' | ') : ''}`));
    };
    const timer = setTimeout(() => fail('no display number within 30 s'), 30000);
    x.once('error', (e) => { clearTimeout(timer); fail(e.message); });
    x.once('exit', (code) => { clearTimeout(timer); fail(`exited (${code}) before reporting a display`); });
    x.stdio[3].on('data', (d) => {
      buf += d;
      const m = /^(\d+)\n/.exec(buf);
      if (!m) return;
      clearTimeout(timer);
      x.removeAllListeners('exit');
      x.stdio[3].destroy();
      resolve({ display: `:${m[1]}`, pid: x.pid, exited: new Promise((r) => x.once('exit', r)) });
    });
  });
}

/**
 * Starts WebKitGTK's MiniBrowser on `url` under an Xvfb of its own; returns { close(), exited }.
 * `JSC_useSharedArrayBuffer=1` is what gives this JavaScriptCore a SharedArrayBuffer (Safari's
 * launcher enables it for cross-origin-isolated pages; the Linux one does not): pass `sab: false`
 * to run without it. Fresh XDG dirs per launch; output to `logFile` (page console included).
 */
export async function launchWebKit(executable, url, { logFile, sab = true } = {}) {
  const xvfb = await startXvfb();
  const home = tmpdir('awa-webkit-');
  const xdg = {};
  for (const d of ['config', 'cache', 'data', 'runtime']) {
    xdg[d] = path.join(home, d);
    fs.mkdirSync(xdg[d], { recursive: true, mode: 0o700 });
  }
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const env = {
    ...process.env,
    DISPLAY: xvfb.display,
    HOME: home,
    XDG_CONFIG_HOME: xdg.config,
    XDG_CACHE_HOME: xdg.cache,
    XDG_DATA_HOME: xdg.data,
    XDG_RUNTIME_DIR: xdg.runtime,
    GTK_A11Y: 'none',
    NO_AT_BRIDGE: '1',
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    LIBGL_ALWAYS_SOFTWARE: '1',
  };
  delete env.WAYLAND_DISPLAY;
  if (sab) env.JSC_useSharedArrayBuffer = '1';
  else delete env.JSC_useSharedArrayBuffer;
  const child = spawn(executable, ['--private', '--enable-write-console-messages-to-stdout=true', url], {
    detached: true,
    stdio: ['ignore', out, out],
    env,
  });
  if (typeof out === 'number') fs.closeSync(out);
  let exitCode;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    exitCode = code ?? signal;
    resolve(exitCode);
  }));
  child.once('error', () => {});
  return {
    pid: child.pid,
    exited,
    hasExited: () => exitCode !== undefined,
    async close() {
      if (exitCode === undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL'); // the whole group: WebKitWebProcess and NetworkProcess too
        } catch { /* already gone */ }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      try {
        process.kill(-xvfb.pid, 'SIGKILL');
      } catch { /* already gone */ }
      await Promise.race([xvfb.exited, new Promise((r) => setTimeout(r, 5000))]);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
