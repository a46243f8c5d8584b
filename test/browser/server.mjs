// A tiny static server for the browser suite: serves the repo root on 127.0.0.1 (a random free
// port; loopback http is a secure context) with cross-origin isolation headers, per-page header
// profiles, and endpoints where pages fetch their next URL and post their results.
//
// Header profiles, chosen by the page's `profile` query parameter (documents only):
//   isolated (default)  COOP same-origin + COEP require-corp + CORP same-origin
//   csp-self            isolated + Content-Security-Policy: worker-src 'self'
//   csp-none            isolated + Content-Security-Policy: worker-src 'none'
//   csp-strict          isolated + Content-Security-Policy: default-src 'self'; worker-src 'self'
//   no-coi              no COOP/COEP: SharedArrayBuffer is hidden
// Every other response (scripts, workers) gets CORP same-origin and, unless the request's
// Referer page is no-coi, COEP require-corp too (workers take COEP from their own response).
//
// Endpoints:
//   GET  /__next/<session>     302 to the session's next page, or a "done" page
//   POST /__report/<session>   a page's results (JSON); answers { next } with the next URL or null
//   POST /__log/<session>      one progress line (text), printed when verbose
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

export const PROFILES = {
  isolated: { coi: true, csp: undefined },
  'csp-self': { coi: true, csp: "worker-src 'self'" },
  'csp-none': { coi: true, csp: "worker-src 'none'" },
  'csp-strict': { coi: true, csp: "default-src 'self'; worker-src 'self'" },
  'no-coi': { coi: false, csp: undefined },
};

function profileOf(url) {
  const p = url.searchParams.get('profile') || 'isolated';
  if (!PROFILES[p]) throw new Error(`unknown profile ${p}`);
  return PROFILES[p];
}

function headersFor(req, url, file) {
  const h = {
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  };
  let coi = true;
  if (file.endsWith('.html')) {
    const p = profileOf(url);
    coi = p.coi;
    if (p.csp) h['Content-Security-Policy'] = p.csp;
  } else {
    // Sub-resources of a no-coi page stay non-isolated (a worker's COEP comes from its response).
    const ref = req.headers.referer;
    if (ref) {
      try {
        if (new URL(ref).searchParams.get('profile') === 'no-coi') coi = false;
      } catch { /* not a URL */ }
    }
  }
  if (coi) {
    h['Cross-Origin-Opener-Policy'] = 'same-origin';
    h['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }
  return h;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the server. Returns { origin, port, session(pages, hooks), close() }.
 * A session is a queue of page paths (with query) that one browser walks through: the first is
 * reached through `${origin}/__next/<id>`, each later one through the answer to a report. A page
 * given as an absolute URL of another origin (another server) is sent there as it is; with
 * hooks.absolute every next URL is absolute (for sessions whose pages report from other origins).
 * `onRequest({ method, path, status })`, if given, sees every finished request (path with query).
 * `port`: where to listen (default 0, a free port).
 */
export async function startServer({ root = ROOT, verbose = false, log = console.log, onRequest, port: wantPort = 0 } = {}) {
  const sessions = new Map();
  let nextSession = 1;

  const server = http.createServer(async (req, res) => {
    if (onRequest) {
      res.on('finish', () => onRequest({ method: req.method, path: req.url, status: res.statusCode }));
    }
    let url;
    try {
      url = new URL(req.url, 'http://127.0.0.1');
    } catch {
      res.writeHead(400).end();
      return;
    }
    const parts = url.pathname.split('/');
    try {
      if (parts[1] === '__next' && req.method === 'GET') {
        const s = sessions.get(parts[2]);
        const next = s && s.next();
        if (next) {
          res.writeHead(302, { Location: next, 'Cache-Control': 'no-store' }).end();
        } else {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
            .end('<!doctype html><title>done</title><p>done</p>');
        }
        return;
      }
      if (parts[1] === '__report' && req.method === 'POST') {
        const s = sessions.get(parts[2]);
        const body = JSON.parse(await readBody(req));
        const next = s ? s.report(body) : null;
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
          .end(JSON.stringify({ next: next || null }));
        return;
      }
      if (parts[1] === '__log' && req.method === 'POST') {
        const s = sessions.get(parts[2]);
        const line = await readBody(req);
        if (s) s.log(line);
        res.writeHead(204).end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      // A folder's URL serves its index.html (the demo's address is /demo/browser/).
      const file = path.resolve(root, '.' + decodeURIComponent(url.pathname) + (url.pathname.endsWith('/') ? 'index.html' : ''));
      if (file !== root && !file.startsWith(root + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      let data;
      try {
        data = await fs.promises.readFile(file);
      } catch {
        if (verbose) log(`  [server] 404 ${url.pathname}`);
        res.writeHead(404, { 'Content-Type': 'text/plain', 'Cross-Origin-Resource-Policy': 'same-origin' })
          .end('not found');
        return;
      }
      const type = MIME[path.extname(file)] || 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': data.length, ...headersFor(req, url, file) });
      res.end(req.method === 'HEAD' ? undefined : data);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e && e.stack || e));
    }
  });
  server.keepAliveTimeout = 1000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wantPort, '127.0.0.1', resolve); // port 0: a free one (the test runs); the demo may pick one
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    /**
     * A browser session. hooks.next() returns the next page ({ path } with its query) or null;
     * hooks.onReport(page, body) receives each page's results; hooks.onLog(page, line) its log lines;
     * hooks.onDone() fires when a browser asks for a next page and there is none.
     * Returns { id, startUrl, current(), close() }.
     */
    session(hooks) {
      const id = String(nextSession++);
      let current = null;
      const s = {
        next() {
          current = hooks.next() || null;
          if (!current) {
            hooks.onDone?.();
            return null;
          }
          const u = new URL(current.path, origin);
          u.searchParams.set('session', id);
          return u.origin === origin && !hooks.absolute ? u.pathname + u.search : u.href;
        },
        report(body) {
          const page = current;
          current = null;
          if (page) hooks.onReport?.(page, body);
          return s.next();
        },
        log(line) {
          hooks.onLog?.(current, line);
        },
      };
      sessions.set(id, s);
      return {
        id,
        startUrl: `${origin}/__next/${id}`,
        current: () => current,
        close: () => sessions.delete(id),
      };
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
