/**
 * The delivery worker thread: HTTP sends (signing, undici, the guarded connector) off the
 * event loop that serves the API. Started by WorkerHttpTransport; see there.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OutboundPolicy, type OutboundPolicyOptions } from '../outbound/outbound-policy.js';
import { HttpTransport } from './http-transport.js';
import { type LaneReply, type LaneSend, OrderedLanes } from './ordered-lanes.js';

export interface HttpWorkerData {
  timeoutMs: number;
  outbound: OutboundPolicyOptions;
  userAgent?: string;
}

/** Main thread -> worker. */
export type HttpWorkerRequest = { sends: LaneSend[] } | { stop: true } | { close: true };
/** Worker -> main thread. */
export type HttpWorkerEvent = { replies: LaneReply[] } | { refused: string } | { closed: true };

const SWEEP_EVERY_MS = 10_000;

function serve(port: NonNullable<typeof parentPort>, data: HttpWorkerData): void {
  const outbound = new OutboundPolicy(data.outbound);
  outbound.onRefused((range) => port.postMessage({ refused: range } satisfies HttpWorkerEvent));
  const transport = new HttpTransport({ timeoutMs: data.timeoutMs, outbound, ...(data.userAgent ? { userAgent: data.userAgent } : {}) });
  // Replies of one event-loop turn go back in one message.
  let batch: LaneReply[] = [];
  const flush = () => {
    const replies = batch;
    batch = [];
    port.postMessage({ replies } satisfies HttpWorkerEvent);
  };
  const lanes = new OrderedLanes(
    (delivery, signal) => transport.send(delivery, signal),
    (reply) => {
      if (batch.length === 0) setImmediate(flush);
      batch.push(reply);
    },
  );
  const sweep = setInterval(() => lanes.sweep(), SWEEP_EVERY_MS);
  sweep.unref();
  port.on('message', (message: HttpWorkerRequest) => {
    if ('sends' in message) for (const send of message.sends) lanes.push(send);
    else if ('stop' in message) lanes.stop();
    else {
      clearInterval(sweep);
      lanes.stop();
      void transport.close().finally(() => {
        port.postMessage({ closed: true } satisfies HttpWorkerEvent);
        port.close();
      });
    }
  });
}

if (parentPort) serve(parentPort, workerData as HttpWorkerData);
