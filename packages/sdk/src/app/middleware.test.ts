import { describe, expect, it } from 'vitest';
import { type Middleware, runMiddleware } from './middleware.js';

describe('runMiddleware', () => {
  it('runs in order, lets a step wrap the rest, and stops where next is not called', async () => {
    const log: string[] = [];
    const chain: Middleware<{ n: number }>[] = [
      async (_ctx, next) => {
        log.push('a>');
        await next();
        log.push('<a');
      },
      (ctx, next) => {
        ctx.n++;
        return next();
      },
      () => {
        log.push('handler');
      },
      () => {
        log.push('never');
      },
    ];
    const ctx = { n: 0 };
    await runMiddleware(chain, ctx);
    expect(log).toEqual(['a>', 'handler', '<a']);
    expect(ctx.n).toBe(1);
  });

  it('rejects a middleware that calls next twice', async () => {
    const twice: Middleware<object> = async (_ctx, next) => {
      await next();
      await next();
    };
    await expect(runMiddleware([twice, () => {}], {})).rejects.toThrow(/more than once/);
  });
});
