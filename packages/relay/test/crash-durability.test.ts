/**
 * Durability: a relay in a child process is killed with SIGKILL in the middle of a 10 000-event
 * load while a consumer takes and acks events. After a restart on the same SQLite file, every
 * event the relay answered 201 for must reach the consumer: lost = 0. Duplicates (events acked
 * but whose ack was not yet committed, or re-sent POSTs stored after their first copy was acked)
 * are allowed by at-least-once delivery and reported.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { postHook, relayCall, TestConsumer, until, watsonHeaders } from './relay-kit.js';

const EVENTS = Number(process.env.RELAY_CRASH_EVENTS ?? 10_000);
const CONCURRENCY = 32;
const SECRET = 'crash-secret';
const APP = 'crash-app';
const CHILD = fileURLToPath(new URL('./relay-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function startChild(dataDir: string, port = 0): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, RELAY_DATA_DIR: dataDir, RELAY_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('relay child did not start')), 60_000);
    child.once('exit', (code) => reject(new Error(`relay child exited during start-up (${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.startsWith('{"url"')) return;
      clearTimeout(timer);
      resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
  });
}

describe('relay durability across kill -9 (SQLite, child process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-crash-'));
  const children: ChildProcess[] = [];
  const consumers: TestConsumer[] = [];
  afterAll(async () => {
    for (const consumer of consumers) await consumer.close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`delivers every event answered 201 of a ${EVENTS}-event load after a SIGKILL and a restart`, async () => {
    const first = await startChild(dataDir);
    children.push(first.child);
    const port = Number(new URL(first.url).port);
    expect((await relayCall(first.url, undefined, 'PUT', `/webhooks/${APP}`, { secret: SECRET })).status).toBe(201);

    // Received per event number; acked as soon as seen (the kill catches some acks in flight).
    const received = new Map<number, number>();
    const consume = (consumer: TestConsumer) => {
      consumer.ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; id: string; data: { n: number } };
        if (frame.type !== 'event') return;
        received.set(frame.data.n, (received.get(frame.data.n) ?? 0) + 1);
        consumer.ack(frame.id);
      });
    };
    const before = new TestConsumer(first.url, APP, undefined);
    consumers.push(before);
    consume(before);
    await before.open();

    const answered = new Set<number>();
    let url = first.url;
    let next = 0;
    const killAt = Math.floor(EVENTS * 0.4);
    let killed = false;
    let failedDuringCrash = 0;
    const send = async (n: number): Promise<boolean> => {
      const body = JSON.stringify({ type: 'message-created', n });
      try {
        const response = await postHook(url, APP, watsonHeaders(SECRET, body, { 'x-switchboard-delivery-id': `d-${n}` }), body);
        await response.arrayBuffer();
        if (response.status === 201) answered.add(n);
        return response.status === 201;
      } catch {
        return false;
      }
    };
    const pending: number[] = [];
    const worker = async () => {
      for (;;) {
        const n = pending.length > 0 && !killed ? pending.shift() : next < EVENTS ? next++ : pending.shift();
        if (n === undefined) return;
        if (!killed && answered.size >= killAt) {
          killed = true;
          first.child.kill('SIGKILL');
        }
        if (!(await send(n))) {
          failedDuringCrash += 1;
          pending.push(n);
          if (killed) return;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(killed).toBe(true);
    await new Promise<void>((resolve) =>
      first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once('exit', () => resolve()),
    );
    const answeredBeforeKill = answered.size;

    // Restart on the same file and port; the platform's retries (here: the requests that failed) go on.
    const second = await startChild(dataDir, port);
    children.push(second.child);
    url = second.url;
    const after = new TestConsumer(second.url, APP, undefined);
    consumers.push(after);
    consume(after);
    await after.open();
    killed = false;
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(pending).toEqual([]);
    expect(answered.size).toBe(EVENTS);

    await until(() => [...answered].every((n) => received.has(n)), 'every answered event at the consumer', 60_000).catch(() => {});
    const lost = [...answered].filter((n) => !received.has(n));
    const duplicates = [...received.values()].reduce((sum, count) => sum + count - 1, 0);
    console.log(
      `[relay crash] events=${EVENTS} answered 201 before the kill=${answeredBeforeKill} failed requests (retried)=${failedDuringCrash} ` +
        `answered in all=${answered.size} received distinct=${received.size} lost=${lost.length} duplicates=${duplicates}`,
    );
    expect(lost).toEqual([]);
    second.child.kill('SIGTERM');
  }, 180_000);
});
