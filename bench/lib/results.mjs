// Writing bench/results/*.json. calls.json is shared by the two runners (and by separate browser
// runs, one engine each): each run replaces only its own part of it.
import fs from 'node:fs';
import path from 'node:path';

export function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 1) + '\n');
}

/** calls.json next to `out`: `{ node: { meta, calls }, browsers: { <engine id>: {...} } }`, with `update(old)` applied. */
export function saveCalls(out, update) {
  const file = path.join(path.dirname(out), 'calls.json');
  let old = {};
  try {
    old = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch { /* first run */ }
  writeJson(file, update(old));
  return file;
}
