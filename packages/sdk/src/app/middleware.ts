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

const DONE: Promise<void> = Promise.resolve();

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Runs `chain` in order on `ctx`. Throws what any step throws; calling `next` twice is a bug
 * in a middleware, reported as an error rather than running the rest of the chain twice.
 * Steps that return synchronously cost no promise: a busy app mostly runs sync handlers that ack.
 * @example await runMiddleware([onlyIfMentioned, handler], ctx);
 */
export function runMiddleware<C>(chain: readonly Middleware<C>[], ctx: C): Promise<void> {
  let last = -1;
  const dispatch = (index: number): Promise<void> => {
    if (index <= last) return Promise.reject(new Error('next() was called more than once in a middleware.'));
    last = index;
    const step = chain[index];
    if (step === undefined) return DONE;
    try {
      const result = step(ctx, () => dispatch(index + 1));
      // A native promise is passed on as is (callers only wait for it, never read its value).
      if (result instanceof Promise) return result as Promise<void>;
      return isThenable(result) ? Promise.resolve(result).then(ignoreValue) : DONE;
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return dispatch(0);
}

function ignoreValue(): void {}
