/**
 * A listener is a middleware array (Bolt's idea): routing filters, user middleware and the
 * handler share one type and one runner. A filter that does not call `next()` ends the chain,
 * which is how `match`, `includeBotMessages` and view/action filters work.
 */

/** Calls the rest of the chain; resolves when it is done. */
export type Next = () => Promise<void>;

/**
 * One step of a listener. A handler is simply a middleware that does not call `next`.
 * @example
 * const logged: Middleware<CommandContext> = async (ctx, next) => { console.time('cmd'); await next(); console.timeEnd('cmd'); };
 */
export type Middleware<C> = (ctx: C, next: Next) => unknown;

/**
 * Runs `chain` in order on `ctx`. Throws what any step throws; calling `next` twice is a bug
 * in a middleware, reported as an error rather than running the rest of the chain twice.
 * @example await runMiddleware([onlyIfMentioned, handler], ctx);
 */
export async function runMiddleware<C>(chain: readonly Middleware<C>[], ctx: C): Promise<void> {
  let last = -1;
  const dispatch = async (index: number): Promise<void> => {
    if (index <= last) throw new Error('next() was called more than once in a middleware.');
    last = index;
    const step = chain[index];
    if (step) await step(ctx, () => dispatch(index + 1));
  };
  await dispatch(0);
}
