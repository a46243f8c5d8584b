// A helper in a worker_threads worker (Node, Bun, Deno's node: APIs): it talks to its agent
// through parentPort only (Bun's workers also have a self.postMessage the parent never hears).
import type { AgentMessage, HelperMessage } from '../engine/protocol';
import type { Clock, Port } from './host';

declare const require: (id: string) => any;

const wt = require('worker_threads');
export const port: Port = {
  post: (m: HelperMessage) => wt.parentPort.postMessage(m),
  listen: (f: (m: AgentMessage) => void) => wt.parentPort.on('message', f),
  close: () => wt.parentPort.close(),
};

// Node 14/15 workers have no global performance.
const perf: { now(): number; timeOrigin: number } =
  typeof performance !== 'undefined' ? performance : require('perf_hooks').performance;
export const clock: Clock = () => perf.timeOrigin + perf.now();
