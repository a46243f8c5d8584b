// What a helper needs from its host: the channel to its agent and the clock threads share. One
// file per host (host-node.ts, host-web.ts), chosen when the helper is built (rollup.config.mjs,
// `helper:host`), so each build embeds and ships only its own host's code.
import type { AgentMessage, HelperMessage } from '../engine/protocol';

export interface Port { post(m: HelperMessage): void; listen(f: (m: AgentMessage) => void): void; close(): void }

/** Milliseconds on the clock threads share (each thread's performance.now() has its own origin). */
export type Clock = () => number;
