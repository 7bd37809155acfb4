import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OUTBOUND_TOKEN_HEADER, signOutbound, verifyOutbound } from '@switchboard/protocol';

export interface WatsonEvent {
  body: Record<string, unknown>;
  raw: string;
  headers: IncomingMessage['headers'];
}

/** How the receiver answers the verification challenge (each failure mode of seed 003). */
export type VerificationMode = 'ok' | 'wrong-challenge' | 'no-token' | 'bad-token' | 'short-token' | 'not-json' | 'status-500' | 'status-201';

/** A Watson-style webhook receiver on loopback: checks every X-OUTBOUND-TOKEN, answers the challenge, records events. */
export class WatsonReceiver {
  secret = '';
  verification: VerificationMode = 'ok';
  /** HTTP status for events. */
  answer: (event: WatsonEvent) => number = () => 200;
  readonly events: WatsonEvent[] = [];
  readonly challenges: string[] = [];
  readonly rejected: string[] = [];
  url = '';
  private server?: Server;

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (!verifyOutbound(this.secret, raw, req.headers[OUTBOUND_TOKEN_HEADER] as string | undefined)) {
          this.rejected.push(raw);
          res.writeHead(401).end();
          return;
        }
        const body = JSON.parse(raw) as Record<string, unknown>;
        if (body.type === 'verification') {
          this.challenges.push(String(body.challenge));
          const [status, headers, text] = this.verificationAnswer(String(body.challenge));
          res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
          return;
        }
        const event = { body, raw, headers: req.headers };
        this.events.push(event);
        res.writeHead(this.answer(event)).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return this.url;
  }

  private verificationAnswer(challenge: string): [number, Record<string, string>, string] {
    const good = JSON.stringify({ response: challenge });
    const signed = (text: string) => ({ [OUTBOUND_TOKEN_HEADER]: signOutbound(this.secret, text) });
    switch (this.verification) {
      case 'ok':
        return [200, signed(good), good];
      case 'wrong-challenge': {
        const wrong = JSON.stringify({ response: `${challenge}x` });
        return [200, signed(wrong), wrong];
      }
      case 'no-token':
        return [200, {}, good];
      case 'bad-token':
        return [200, { [OUTBOUND_TOKEN_HEADER]: signOutbound('not-the-secret', good) }, good];
      case 'short-token':
        return [200, { [OUTBOUND_TOKEN_HEADER]: signOutbound(this.secret, good).slice(1) }, good];
      case 'not-json':
        return [200, signed('ok'), 'ok'];
      case 'status-500':
        return [500, signed(good), good];
      case 'status-201':
        return [201, signed(good), good];
    }
  }

  async waitForEvents(count: number, predicate: (e: WatsonEvent) => boolean = () => true, timeoutMs = 6000): Promise<WatsonEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.filter(predicate);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${JSON.stringify(this.events.map((e) => e.body))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
