import type { ApiClient } from './client.js';

export interface TokenPair {
  token: string;
  refreshToken: string;
}
export interface LoginAnswer extends TokenPair {
  workspaceId: string;
  workspaceUserId: string;
}
export interface PersonInfo {
  id: string;
  name: string;
  email?: string;
}
export interface WorkspaceInfo {
  id: string;
  name: string;
}

/** People's routes (PROTOCOL.md 2). */
export const people = {
  login: (client: ApiClient, body: { email: string; password: string; workspaceId?: string }) =>
    client.request<LoginAnswer>('POST', '/v1/auth/login', { body, auth: false }),
  logout: (client: ApiClient) => client.request<void>('POST', '/v1/auth/logout'),
  me: (client: ApiClient) => client.request<PersonInfo>('GET', client.personPath),
  workspace: (client: ApiClient, workspaceId: string) => client.request<WorkspaceInfo>('GET', `/workspaces/${encodeURIComponent(workspaceId)}/info`),
};
