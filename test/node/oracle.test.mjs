// The two-oracles judge (test/browser/oracle.mjs) excuses exactly the known SpiderMonkey
// departures and nothing else: these cases feed it observations shaped like the browsers' (the
// real ones come from Firefox 140 and 153 in the matrix) and check what it calls explained.
import { expect } from 'chai';
import { DEFAULT_SEED, compare, oracleRows, recipes, timeoutRef } from '../browser/oracle.mjs';

const N = 3000;
const waits = recipes('waitAsync', DEFAULT_SEED, N);
/** Observation lists of N tuples, all alike but for the given entries. */
function lists(entries) {
  const a = Array(N).fill('sync not-equal||8,8');
  const b = a.slice();
  for (const [n, x, y] of entries) {
    a[n] = x;
    b[n] = y;
  }
  return [a, b];
}
function judge(n, x, y, opts) {
  const c = compare('waitAsync', DEFAULT_SEED, ...lists([[n, x, y]]), opts);
  return c.unexplained.length ? 'unexplained' : Object.keys(c.explained)[0] || 'same';
}

// Tuple #4: value is a logging proxy whose @@toPrimitive is 1 (GetMethod throws TypeError).
const PROXY_TA = 4;
const HEAD = 'throws TypeError|value.[[get]](Symbol(Symbol.toPrimitive))';
const TAIL = ',value.[[ownKeys]],value.[[getOwnPropertyDescriptor]](valueOf),value.[[getOwnPropertyDescriptor]](Symbol(Symbol.toPrimitive))';
const TAIL_140 = ',value.[[get]](toSource)' + TAIL;
// Tuple #923: BigInt64Array, timeout 1e-9 ms, value equal.
const SUB_NS = 923;

describe('two oracles: the judge of SpiderMonkey vs the shim', function () {
  it('the recipes it relies on are the seeded ones', function () {
    expect(waits[PROXY_TA].value.obj).to.include({ how: 'toPrimitiveNotCallable', proxy: true });
    expect(timeoutRef(waits[SUB_NS])).to.equal(1e-9);
  });

  it('error-message-source: a trailing ownKeys/getOwnPropertyDescriptor (and toSource) block of the throwing proxy, on either side', function () {
    expect(judge(PROXY_TA, `${HEAD}${TAIL}|6,6`, `${HEAD}|6,6`)).to.equal('error-message-source');
    expect(judge(PROXY_TA, `${HEAD}|6,6`, `${HEAD}${TAIL_140}|6,6`)).to.equal('error-message-source');
    expect(judge(PROXY_TA, `${HEAD}${TAIL}|6,6`, `${HEAD}${TAIL_140}|6,6`)).to.equal('error-message-source');
  });

  it('but not another error, a spec-visible call in the tail, a changed prefix, another role or another length', function () {
    expect(judge(PROXY_TA, `throws RangeError|value.[[get]](Symbol(Symbol.toPrimitive))${TAIL}|6,6`, `${HEAD}|6,6`)).to.equal('unexplained');
    expect(judge(PROXY_TA, `${HEAD},value.[[get]](valueOf)${TAIL}|6,6`, `${HEAD}|6,6`)).to.equal('unexplained');
    expect(judge(PROXY_TA, `${HEAD},value.valueOf${TAIL}|6,6`, `${HEAD}|6,6`)).to.equal('unexplained');
    expect(judge(PROXY_TA, `${HEAD}${TAIL.replaceAll('value.', 'index.')}|6,6`, `${HEAD}|6,6`)).to.equal('unexplained');
    expect(judge(PROXY_TA, `${HEAD},value.[[get]](valueOf)|6,6`, `${HEAD}|6,6`)).to.equal('unexplained');
    expect(judge(PROXY_TA, `${HEAD}${TAIL}|6,6`, `${HEAD}|6,8`)).to.equal('unexplained');
    // Tuple #923's value is a plain valueOf object, not a proxy: no tail can be excused there.
    expect(judge(SUB_NS, `throws TypeError|value.valueOf${TAIL}|4,4`, 'throws TypeError|value.valueOf|4,4')).to.equal('unexplained');
  });

  it('sub-nanosecond-timeout: SpiderMonkey sync "timed-out" where the shim is async, only for 0 < t < 1e-6 ms', function () {
    expect(judge(SUB_NS, 'sync timed-out|value.valueOf|4,4', 'async|value.valueOf|4,4')).to.equal('sub-nanosecond-timeout');
    expect(judge(SUB_NS, 'async|value.valueOf|4,4', 'sync timed-out|value.valueOf|4,4')).to.equal('unexplained');
    expect(judge(SUB_NS, 'sync timed-out|value.valueOf|4,4', 'async||4,4')).to.equal('unexplained');
    const oneMs = waits.findIndex((r) => timeoutRef(r) === 1);
    expect(oneMs).to.be.above(-1);
    expect(judge(oneMs, 'sync timed-out||8,8', 'async||8,8')).to.equal('unexplained');
    // The shim against itself on another engine may differ only by the engines' message formatting.
    expect(judge(SUB_NS, 'sync timed-out|value.valueOf|4,4', 'async|value.valueOf|4,4', { allow: ['error-message-source'] })).to.equal('unexplained');
  });

  it('notify: the waiters left afterwards are compared too', function () {
    const a = Array(N).fill('returns 0||8,8');
    const b = a.slice();
    a[1] = 'returns 1||8,8|left 0';
    b[1] = 'returns 1||8,8|left 1';
    expect(compare('notify', DEFAULT_SEED, a, b).unexplained.map((u) => u.n)).to.deep.equal([1]);
  });

  describe('the matrix rows', function () {
    const target = (id, observations) => ({ id, present: true, label: id, observations });
    const obs = (page, shim) => ({ seed: DEFAULT_SEED, tuples: N, page, shim });
    const same = { waitAsync: Array(N).fill('sync not-equal||8,8'), notify: Array(N).fill('returns 0||8,8') };

    it('pass with identical or explained observations, and list the explained ones', function () {
      const [a, b] = lists([[PROXY_TA, `${HEAD}${TAIL}|6,6`, `${HEAD}|6,6`]]);
      const rows = oracleRows([
        target('firefox-140', { shim: obs({ ...same, waitAsync: b }) }),
        target('firefox-153', { native: obs({ ...same, waitAsync: a }, { ...same, waitAsync: b }) }),
      ]);
      expect(rows.map((r) => [r.passed, r.failed])).to.deep.equal([[1, 0], [1, 0]]);
      expect(rows[0].explained).to.have.length(1);
      expect(rows[0].explained[0]).to.match(/^error-message-source: waitAsync 1 \(#4\)/);
    });

    it('fail on an unexplained difference, or when a page sent nothing', function () {
      const [a, b] = lists([[7, 'sync not-equal||8,8', 'sync timed-out||8,8']]);
      const rows = oracleRows([
        target('firefox-140', { shim: obs({ ...same, waitAsync: b }) }),
        target('firefox-153', { native: obs({ ...same, waitAsync: a }, { ...same, waitAsync: a }) }),
      ]);
      expect(rows.map((r) => r.failed)).to.deep.equal([1, 1]);
      expect(rows[0].failures[0]).to.match(/^waitAsync #7 /);
      const missing = oracleRows([target('firefox-140', {}), target('firefox-153', { native: obs(same, same) })]);
      expect(missing.map((r) => r.failed)).to.deep.equal([1, 1]);
      expect(oracleRows([target('firefox-153', { native: obs(same, same) })])).to.deep.equal([]);
    });
  });
});
