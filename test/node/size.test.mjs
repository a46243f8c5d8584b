// The size budgets of the browser builds (test/size.mjs measures, `npm run size` prints the table):
// `npm test` builds first, so this judges what would be published.
import { expect } from 'chai';
import { measure, overBudget, table } from '../size.mjs';

describe('size: the browser builds stay within their gzip budgets', function () {
  let builds;
  before(async () => { builds = await measure(); });

  it('<script> build (min.js + its helper file) and the esbuild bundle of the polyfill (+ helper.js)', () => {
    expect(builds.map((b) => b.build)).to.deep.equal(['script', 'polyfill']);
    for (const b of builds) expect(b.total.raw, b.label).to.be.greaterThan(0);
    expect(overBudget(builds), `\n${table(builds)}\n`).to.deep.equal([]);
  });
});
