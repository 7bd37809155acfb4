import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { missingScope, routeScopes } from '../api/scope-table.js';
import type { Actor, PersonActor } from './actor.js';

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
    if (actor.kind === 'app') enforceScope(request, actor.scopes);
    request.actor = actor;
  };
}

/** The person calling a people-only route (management, consent); apps get 403. */
export function personOf(request: FastifyRequest): PersonActor {
  const actor = actorOf(request);
  if (actor.kind !== 'person') throw new SwitchboardError('forbidden', 'Only people (Authtoken or session) call this route.');
  return actor;
}

/** The caller of a route guarded by `Authenticator.required`. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new SwitchboardError('unauthenticated', 'Sign in first.');
  return request.actor;
}

/** Scope checks happen here, once, for every route an app calls (see api/scope-table.ts). */
function enforceScope(request: FastifyRequest, scopes: ReadonlySet<string>): void {
  const key = `${request.method} ${request.routeOptions.url}`;
  if (!(key in routeScopes)) throw new SwitchboardError('forbidden', 'Apps cannot call this route.');
  const needed = missingScope(routeScopes[key] ?? null, scopes);
  if (needed) {
    throw new SwitchboardError('missing_scope', `This call needs the ${needed} scope.`, { needed });
  }
}
