// Reproduction (not a mocha suite) of a spurious "ok" found by test/node/model.test.mjs: with no
// other agent, no store and no notify after it registered, a new waiter on an address settles "ok"
// after two same-agent notifies whose counts exceed the local waiters. Run: node <this file> [i64|i32]
// Prints how many of 30 rounds saw the spurious wake (expected: 0). See the report for the cause.
const { shim, configure, stats } = await import(new URL('../../../dist/index.mjs', import.meta.url).href);
configure({ idleTimeout: 50 });
const { waitAsync, notify } = shim;
let bad = 0;
const V = process.argv[2] || 'i64';
for (let round = 0; round < 30; round++) {
  const buf = new SharedArrayBuffer(32);
  const first = V === 'i64' ? waitAsync(new BigInt64Array(buf), 0, 0n) : waitAsync(new Int32Array(buf), 0, 0);
  const other = process.env.NOOTHER ? {value: 0} : waitAsync(new Int32Array(buf), 2, 0);
  notify(new Int32Array(buf, 8), 0);
  if (process.argv[3] !== 'nodouble') { notify(new Int32Array(buf), 0, 3); notify(new Int32Array(buf), 0, 3); }
  else notify(new Int32Array(buf), 0, 3);
  await first.value;
  await other.value;
  let state = 'pending';
  const p = waitAsync(new Int32Array(buf), 0, 0).value.then((v) => { state = v; });
  await new Promise((r) => setTimeout(r, 100 + (round % 3) * 30));
  if (state !== 'pending') { bad++; console.log(`round ${round}: waiter with no notify and no store settled ${state}`); }
  notify(new Int32Array(buf), 0);
  await p;
}
console.log(`${bad}/30 spurious`);
