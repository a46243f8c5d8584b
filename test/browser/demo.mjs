// The browser demo (demo/browser/, `npm run demo:browser`) as rows of the engine matrix (id
// `demo`: `npm run test:browsers -- --only=demo`): the demo page in Firefox ESR 140 (no native
// waitAsync: the shim, for real) and in Chromium (native, then the shim forced on the same page).
// Each of the page's checks is one passed or failed test (its ?expect= makes it also check which
// implementation the engine has). Chromium also takes a full-page screenshot, which must not be
// blank (more than one colour: test/browser/png.mjs). Firefox is driven without a driver (it only
// posts its results to our server), so it has no screenshot: `firefox --screenshot` captures at the
// load event, before any check has run, and would show nothing the Chromium one does not.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server.mjs';
import { pngContent } from './png.mjs';

export const SCREENSHOT = path.join(ROOT, '.cache/browser/demo-chromium.png');

/** A non-blank screenshot has more than one colour; we also ask for some ink (0.5% of pixels). */
export function checkScreenshot(png) {
  const c = pngContent(png);
  const ok = c.colours > 1 && c.inked >= 0.005;
  return { ok, text: `${c.width}×${c.height}, ${c.colours}${c.colours >= 4096 ? '+' : ''} colours, ${(c.inked * 100).toFixed(1)}% of pixels not background` };
}

async function screenshot(browser, rows, log) {
  const row = rows.get('demo');
  try {
    const png = await browser.page.screenshot({ fullPage: true });
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    fs.writeFileSync(SCREENSHOT, png);
    const { ok, text } = checkScreenshot(png);
    if (ok) row.passed++;
    else {
      row.failed++;
      row.failures.push(`screenshot: blank (${text})`);
    }
    row.notes.push(`screenshot ${path.relative(ROOT, SCREENSHOT)}: ${text}`);
    log(`  demo screenshot: ${path.relative(ROOT, SCREENSHOT)}, ${text}${ok ? '' : ' — BLANK'}`);
  } catch (e) {
    row.failed++;
    row.failures.push(`screenshot: ${String(e && e.message || e).split('\n')[0]}`);
  }
}

/**
 * The demo's targets, derived from the matrix's (browserTargets()): one page in one mode `demo`,
 * for runBrowser (matrix.mjs). Absent browsers are passed on as they are (the matrix fails them).
 */
export function demoTargets(targets, { rounds = 1000, log = console.log } = {}) {
  const want = { 'firefox-140': 'shim', chromium: 'native' };
  return targets.filter((t) => want[t.id]).map((t) => ({
    ...t,
    logName: `demo-${t.id}`, // not the suites' log of the same browser
    modes: [{ mode: 'demo' }],
    pages: [{
      mode: 'demo', name: 'demo',
      path: `/demo/browser/?${new URLSearchParams({ expect: want[t.id], rounds: String(rounds) })}`,
    }],
    beforeClose: t.kind === 'chromium' ? (browser, rows) => screenshot(browser, rows, log) : undefined,
  }));
}
