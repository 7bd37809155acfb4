import type { AppSummary, Manifest, ManifestResponse, RotatedSecrets } from '@switchboard/protocol';
import type { ApiClient } from './client.js';

export type SecretName = keyof RotatedSecrets;

const app = (client: ApiClient, appId: string) => `${client.personPath}/apps/${encodeURIComponent(appId)}`;

/** The Pumble app management API (PROTOCOL.md 3): works against any platform that speaks it. */
export const appsApi = {
  create: (client: ApiClient, manifest: Manifest) => client.request<ManifestResponse>('POST', `${client.personPath}/apps`, { body: manifest }),
  update: (client: ApiClient, appId: string, manifest: Manifest) => client.request<ManifestResponse>('PUT', app(client, appId), { body: manifest }),
  list: (client: ApiClient) => client.request<AppSummary[]>('GET', `${client.personPath}/apps/mine`),
  get: (client: ApiClient, appId: string) => client.request<ManifestResponse>('GET', `${client.personPath}/apps/mine/${encodeURIComponent(appId)}`),
  delete: (client: ApiClient, appId: string) => client.request<void>('DELETE', app(client, appId)),
  rotate: (client: ApiClient, appId: string, secret?: SecretName) =>
    client.request<RotatedSecrets>('PUT', `${app(client, appId)}/secrets/rotate`, { query: { secret } }),
  authorizations: (client: ApiClient) => client.request<{ app: { id: string } }[]>('GET', `${client.personPath}/apps/authorizations`),
  grant: (client: ApiClient, query: { clientId: string; scopes: string; redirectUrl: string; isReinstall: boolean }) =>
    client.request<{ code: string; redirectUrl: string }>('GET', `${client.personPath}/oauth2/grant`, {
      query: { ...query, isReinstall: query.isReinstall ? 'true' : 'false' },
    }),
};
