import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Actor } from './actor.js';

export const SESSION_COOKIE = 'sb_session';

/**
 * A way to recognise a caller from a request. Returns undefined when the request carries
 * none of its credentials (so the next strategy may try) and throws when they are invalid.
 */
export type AuthStrategy = (request: FastifyRequest) => Promise<Actor | undefined>;

/** Tries each strategy in order; the Apps part adds app-token strategies to the same list. */
export class Authenticator {
  private readonly strategies: AuthStrategy[] = [];

  add(strategy: AuthStrategy): void {
    this.strategies.push(strategy);
  }

  async resolve(request: FastifyRequest): Promise<Actor | undefined> {
    for (const strategy of this.strategies) {
      const actor = await strategy(request);
      if (actor) return actor;
    }
    return undefined;
  }

  /** preHandler that requires any authenticated caller and sets `request.actor`. */
  readonly required: preHandlerAsyncHookHandler = async (request) => {
    const actor = await this.resolve(request);
    if (!actor) throw new SwitchboardError('unauthenticated', 'Sign in first: send an Authtoken header or a session cookie.');
    request.actor = actor;
  };
}

/** The caller of a route guarded by `Authenticator.required`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new SwitchboardError('unauthenticated', 'Sign in first.');
  return request.actor;
}
