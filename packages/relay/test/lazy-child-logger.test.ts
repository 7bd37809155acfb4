import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChildLoggerFactory } from '../src/http/lazy-child-logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const parent = pino({ level: 'info', redact: { paths: ['*.secret'], censor: '[redacted]' } }, stream);
  return { parent, lines };
}

describe('lazyChildLoggerFactory', () => {
  it('makes no child for levels that are off, and logs with the bindings and redaction when on', async () => {
    const { parent, lines } = capture();
    let children = 0;
    const counted = new Proxy(parent, {
      get: (target, key, receiver) =>
        key === 'child'
          ? (...args: Parameters<typeof parent.child>) => {
              children += 1;
              return target.child(...args);
            }
          : Reflect.get(target, key, receiver),
    });
    const log = lazyChildLoggerFactory(counted, { reqId: 'req-1' }, {});
    log.debug('not shown');
    log.trace('not shown');
    expect(children).toBe(0);
    expect(log.level).toBe('info');
    log.info({ app: { secret: 'hunter2' } }, 'shown');
    log.error('also shown');
    await new Promise((resolve) => setImmediate(resolve));
    expect(children).toBe(1);
    expect(lines.map((line) => [line.msg, line.reqId])).toEqual([
      ['shown', 'req-1'],
      ['also shown', 'req-1'],
    ]);
    expect(lines[0].app).toEqual({ secret: '[redacted]' });
  });
});
