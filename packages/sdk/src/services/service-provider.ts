import { z } from 'zod';

/**
 * A third-party OAuth 2.0 provider, as configuration (authorization code grant, RFC 6749 §4.1,
 * with PKCE S256). Another Switchboard platform works as one: its `/oauth/authorize` and
 * `/oauth/token` (PROTOCOL.md 4.2).
 * @example
 * const github: ServiceProvider = {
 *   name: 'GitHub', authorizeUrl: 'https://github.com/login/oauth/authorize',
 *   tokenUrl: 'https://github.com/login/oauth/access_token', clientId, clientSecret,
 *   scopes: ['read:user'], clientAuth: 'body',
 * };
 */
export const ServiceProviderSchema = z.object({
  /** The service's name; also the `name` of the rows it creates. */
  name: z.string().min(1).max(255),
  authorizeUrl: z.url({ protocol: /^https?$/ }),
  tokenUrl: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scopes: z.array(z.string().min(1)).readonly(),
  /** How the app proves itself at `tokenUrl`: HTTP Basic (RFC 6749's default) or form fields. Default `basic`. */
  clientAuth: z.enum(['basic', 'body']).default('basic'),
  /** How scopes are joined in the authorize URL. Default a space (RFC 6749). */
  scopeSeparator: z.string().default(' '),
  /** Send a PKCE S256 challenge. Default true. */
  pkce: z.boolean().default(true),
  /** Extra authorize parameters (e.g. `{ access_type: 'offline' }` for Google). */
  authorizeParams: z.record(z.string(), z.string()).default({}),
});

export type ServiceProviderInput = z.input<typeof ServiceProviderSchema>;
export type ServiceProvider = z.output<typeof ServiceProviderSchema>;

/** The token endpoint's answer (RFC 6749 §5.1); extra fields are ignored. @example ProviderTokenResponse.parse(await response.json()) */
export const ProviderTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** What a connected service's `data` holds after the callback. @example const { accessToken } = service.data as unknown as ServiceTokens; */
export interface ServiceTokens {
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  /** Epoch ms, when the provider said when the token expires. */
  expiresAt?: number;
  scope?: string;
}
