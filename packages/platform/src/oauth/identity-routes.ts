import { SwitchboardError } from '@switchboard/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { perClientLimit } from '../http/rate-limits.js';
import { errorResponses } from '../http/schemas.js';
import type { ExchangeService } from './exchange-service.js';
import type { IdentityKeys } from './identity-keys.js';
import type { IdentityService } from './identity-service.js';
import type { PersonTokenService } from './person-token-service.js';

function basicCredentials(header: string | undefined): { id: string; secret: string } {
  if (!header?.startsWith('Basic ')) throw new SwitchboardError('invalid_client', 'Authenticate the client with HTTP Basic appId:clientSecret.');
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new SwitchboardError('invalid_client', 'Malformed Basic credentials.');
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** `POST /oauth/token` (client_credentials) and the JWKS (PROTOCOL.md 4.3). */
export interface IdentityRoutesOptions {
  identity: IdentityService;
  keys: IdentityKeys;
  personTokens: PersonTokenService;
  exchange: ExchangeService;
}

const TokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
  scope: z.string(),
  refresh_token: z.string().optional(),
  id: z.string().optional(),
  jti: z.string().optional(),
});

export const identityRoutes: FastifyPluginAsyncZod<IdentityRoutesOptions> = async (app, { identity, keys, personTokens, exchange }) => {
  app.get(
    '/oauth/authorize',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Authorization request on behalf of a person (Watson); leads to the consent screen',
        querystring: z.object({
          response_type: z.literal('code'),
          client_id: z.string().min(1).max(64),
          redirect_uri: z.string().min(1).max(2048),
          scope: z.string().min(1).max(2000),
          state: z.string().min(1).max(1024),
          code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
          code_challenge_method: z.literal('S256'),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const scopes = q.scope.split(/[ ,]+/).filter(Boolean).join(',');
      const next = new URLSearchParams({
        clientId: q.client_id,
        redirectUrl: q.redirect_uri,
        scopes,
        state: q.state,
        code_challenge: q.code_challenge,
        flow: 'watson',
      });
      return reply.redirect(`/access-request?${next}`, 302);
    },
  );

  app.post(
    '/oauth/token',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Tokens: client_credentials (app identity), authorization_code and refresh_token (on behalf of a person); client by HTTP Basic',
        body: z.object({
          grant_type: z.string().max(64),
          workspace_id: z.string().max(64).optional(),
          scope: z.string().max(2000).optional(),
          code: z.string().max(256).optional(),
          redirect_uri: z.string().max(2048).optional(),
          code_verifier: z.string().max(128).optional(),
          refresh_token: z.string().max(256).optional(),
        }),
        response: { 200: TokenResponse, ...errorResponses },
      },
      config: perClientLimit(120, 60_000),
    },
    async (request, reply) => {
      const body = request.body;
      const client = basicCredentials(request.headers.authorization);
      reply.header('cache-control', 'no-store');
      if (body.grant_type === 'client_credentials') return identity.clientCredentials(client.id, client.secret, body.workspace_id);
      if (body.grant_type === 'authorization_code') {
        if (!body.code) throw new SwitchboardError('invalid_request', 'code is required.');
        const installed = await exchange.exchange({
          clientId: client.id,
          clientSecret: client.secret,
          code: body.code,
          codeVerifier: body.code_verifier,
          redirectUri: body.redirect_uri,
          flow: 'watson',
        });
        const { workspaceId, userId } = installed.response;
        return personTokens.sign(installed.app.id, workspaceId, userId, installed.userScopes, installed.refreshToken ?? '');
      }
      if (body.grant_type === 'refresh_token') {
        if (!body.refresh_token) throw new SwitchboardError('invalid_request', 'refresh_token is required.');
        return personTokens.refresh(client.id, client.secret, body.refresh_token);
      }
      throw new SwitchboardError('unsupported_grant_type', 'Grant types: client_credentials, authorization_code, refresh_token.');
    },
  );

  app.get('/.well-known/jwks.json', { schema: { tags: ['oauth'], summary: 'Public keys of app-identity tokens' } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return keys.jwks();
  });
};
