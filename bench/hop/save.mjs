// bench/results/hop.json: one entry per host (node, chromium, firefox-140, ...), each run replacing its own.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../results/hop.json');

export function saveHop(id, entry) {
  let all = {};
  try { all = JSON.parse(fs.readFileSync(FILE, 'utf8')); } catch { /* first run */ }
  all[id] = { date: new Date().toISOString(), ...entry };
  fs.writeFileSync(FILE, JSON.stringify(all, null, 1) + '\n');
}
