import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPumble } from '@switchboard/protocol';

export interface Received {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

/** A real app on loopback: verifies every signature, records what arrived, answers as told. */
export class AppReceiver {
  readonly received: Received[] = [];
  readonly rejected: string[] = [];
  answer: (r: Received) => { status: number; body?: unknown; delayMs?: number } = () => ({ status: 200, body: {} });
  private server?: Server;
  private waiters: (() => void)[] = [];

  constructor(private readonly signingSecret: () => string) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const check = verifyPumble({
      secrets: [this.signingSecret()],
      timestamp: req.headers['x-pumble-request-timestamp'] as string,
      signature: req.headers['x-pumble-request-signature'] as string,
      rawBody: raw,
    });
    if (!check.ok) {
      this.rejected.push(check.code);
      res.writeHead(403).end();
      return;
    }
    const received = { path: req.url ?? '', body: JSON.parse(raw.toString()) as Record<string, unknown>, headers: req.headers };
    this.received.push(received);
    for (const w of this.waiters.splice(0)) w();
    const answer = this.answer(received);
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  async waitFor(predicate: (r: Received) => boolean, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`nothing matching arrived; got ${JSON.stringify(this.received.map((r) => r.body))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
