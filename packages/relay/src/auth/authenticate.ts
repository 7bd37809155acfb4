import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyRequest } from 'fastify';
import { type AppIdentity, type AppTokenVerifier, bearerToken } from './app-token-verifier.js';

/** Checks that a request acts for `appId`; throws a typed 401/403/503. */
export type Authenticate = (request: FastifyRequest, appId: string) => Promise<AppIdentity>;

/** With no verifier (development mode), every request may act for any app. */
export function createAuthenticate(verifier: AppTokenVerifier | undefined): Authenticate {
  if (!verifier) return async (_request, appId) => ({ appId, expiresAt: Number.POSITIVE_INFINITY });
  return async (request, appId) => {
    const token = bearerToken(request.headers.authorization, request.query);
    if (!token) throw new SwitchboardError('unauthenticated', 'Send the app-identity token as Authorization: Bearer <JWT>.');
    return verifier.verify(token, appId);
  };
}
