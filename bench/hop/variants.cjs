// The helper → agent hop, four ways (issue "fast": which channel and message shape is fastest).
// The worker blocks in Atomics.wait on slot 0; the agent bumps slot 0, notifies, and times until
// the worker's message arrives. Shared by the Node runner (hop.mjs) and the page (page.mjs):
// `post(channel, m)` is the host's way for the worker to send m.
//   self-object  the worker's own channel (parentPort / self.postMessage), { type, token }
//   self-number  the same channel, the token as a bare number
//   port-object  a dedicated MessageChannel port handed to the worker, { type, token }
//   port-number  that port, a bare number
/* eslint-disable no-var */
var HOP_VARIANTS = ['self-object', 'self-number', 'port-object', 'port-number'];
function hopWorkerLoop(i32, variant, self, port) {
  var out = variant.indexOf('port') === 0 ? port : self;
  var asNumber = variant.slice(-6) === 'number';
  for (var round = 1; ; round++) {
    Atomics.wait(i32, 0, round - 1);
    if (Atomics.load(i32, 1) === 1) return;
    if (asNumber) out.postMessage(round);
    else out.postMessage({ type: 'wake', token: round });
  }
}
if (typeof module !== 'undefined') module.exports = { HOP_VARIANTS, hopWorkerLoop };
