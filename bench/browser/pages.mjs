// The small browser benches (load.mjs, ../hop/browser.mjs): the engines they run, and one
// browser session walking a list of pages, each reporting its body to the test server.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../test/browser/server.mjs';
import { launchChromium, launchFirefox } from '../../test/browser/browsers.mjs';

const TIMER_PREFS = { 'privacy.reduceTimerPrecision': false, 'privacy.reduceTimerPrecision.unconditional': false };
export const NATIVE_PREF = { 'javascript.options.atomics_wait_async': true };

/** Installed engines by id: { id, label, exe, launch(url) }, in `ids` order. */
export function engines(ids) {
  let man = {};
  try { man = JSON.parse(fs.readFileSync(path.join(ROOT, '.cache/engines/engines.json'), 'utf8')); } catch { /* defaults */ }
  const ff = (major) => (man.firefox || []).find((f) => f.major === major)?.path;
  const all = {
    chromium: { label: 'Chromium', exe: man.chromium?.path || '/usr/bin/chromium', launch: (exe, url) => launchChromium(exe, url) },
    'firefox-153': { label: 'Firefox 153', exe: ff(153), launch: (exe, url) => launchFirefox(exe, url, { prefs: TIMER_PREFS }) },
    'firefox-140': { label: 'Firefox 140', exe: ff(140), launch: (exe, url) => launchFirefox(exe, url, { prefs: TIMER_PREFS }) },
    'firefox-140-native': { label: 'Firefox 140 (native by pref)', exe: ff(140),
      launch: (exe, url) => launchFirefox(exe, url, { prefs: { ...TIMER_PREFS, ...NATIVE_PREF } }) },
  };
  return ids.map((id) => ({ id, ...all[id] })).filter((e) => {
    if (e.exe && fs.existsSync(e.exe)) return true;
    console.log(`${e.label}: not installed (scripts/install-engines.sh)`);
    return false;
  });
}

/** Walks one browser through `paths`; resolves with the bodies the pages reported. */
export async function walkPages(server, engine, paths, timeoutMs = 120000) {
  const reports = [];
  const queue = paths.slice();
  let finish;
  const done = new Promise((r) => { finish = r; });
  const session = server.session({
    next: () => (queue.length ? { path: queue.shift() } : null),
    onReport: (_, body) => reports.push(body),
    onDone: () => finish(),
  });
  const browser = await engine.launch(engine.exe, session.startUrl);
  const timer = setTimeout(finish, timeoutMs);
  try { await done; } finally { clearTimeout(timer); await browser.close(); session.close(); }
  return reports;
}
