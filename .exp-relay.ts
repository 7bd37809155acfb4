import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { runLoad } from './bench/lib/load.js';
import { startChild } from './bench/relay/children.js';
const APP = 'bench-relay-app', SECRET = 'bench-relay-secret';
function hook(n: number) {
  const body = `{"type":"message-created","messageId":"m${n}","content":"bench ${n}","n":${n}}`;
  return { method: 'POST' as const, path: `/hook/${APP}`, headers: { 'content-type': 'application/json', 'x-outbound-token': createHmac('sha256', SECRET).update(body).digest('hex') }, body };
}
function threads(pid: number) {
  const out: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const key = Number(tid) === pid ? 'main' : 'other';
    out[key] = (out[key] ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
  }
  return out;
}
const mode = process.argv[2] ?? 'consumer';
const relay = await startChild(process.argv[3] ?? 'relay-child.ts', { BENCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'exp-')) });
await fetch(`${relay.url}/webhooks/${APP}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ secret: SECRET }) });
let acked = 0;
if (mode === 'consumer') {
  const ws = new WebSocket(`${relay.url.replace(/^http/, 'ws')}/webhooks/${APP}`);
  ws.on('message', (d) => { const f = JSON.parse(String(d)); if (f.type === 'event') { ws.send(`{"type":"event_ack","id":"${f.id}"}`); acked++; } });
  await new Promise((r) => ws.once('open', r));
}
const childPid = Number(readdirSync('/proc').filter((d) => /^\d+$/.test(d)).find((d) => { try { const c = readFileSync(`/proc/${d}/cmdline`, 'utf8'); return c.startsWith(process.execPath) && c.includes('-child.ts'); } catch { return false; } }));
const before = threads(childPid); const t0 = performance.now();
const result = await runLoad({ url: relay.url, connections: 32, warmupMs: 1000, durationMs: 5000, expectStatus: 201, request: hook });
const after = threads(childPid); const el = performance.now() - t0;
const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, Math.round((100 * (after[k] - (before[k] ?? 0))) / el)]));
const perEvent = Math.round((after.main - before.main) * 1000 / (result.throughput * el / 1000));
console.log(mode, Math.round(result.throughput), 'req/s p50', result.p50.toFixed(2), 'cpu%', JSON.stringify(cpu), 'main µs/req', perEvent, 'acked', acked);
await relay.stop(); process.exit(0);
