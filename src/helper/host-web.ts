// A helper in a Web Worker (browsers, Deno's browser build): the agent's messages come through a
// MessagePort of their own once it has sent one (see platform/web.ts), before that on the worker.
import type { AgentMessage } from '../engine/protocol';
import type { Clock, Port } from './host';

declare const self: any;

export const port: Port = {
  post: (m) => self.postMessage(m),
  listen: (f) => {
    self.onmessage = (e: { data: AgentMessage | { type: 'port'; port: MessagePort } }) => {
      const m = e.data;
      // The agent's own channel: its messages arrive while the agent blocks.
      if (m.type === 'port') m.port.onmessage = (p: { data: AgentMessage }) => f(p.data);
      else f(m);
    };
  },
  close: () => self.close(),
};

export const clock: Clock = () => performance.timeOrigin + performance.now();
