import { Workspace } from '@switchboard/protocol';
import { z } from 'zod';
import type { HttpTransport } from './http.js';

/**
 * `GET /oauth2/me`: whose token this is (PROTOCOL.md 4.1). Not in the protocol package yet, so declared here.
 * @example OAuth2Me.parse(await response.json())
 */
export const OAuth2Me = z.object({
  workspaceId: z.string(),
  workspaceName: z.string(),
  workspaceUserId: z.string(),
  workspaceUserName: z.string(),
});
export type OAuth2Me = z.infer<typeof OAuth2Me>;

/**
 * The caller's workspace and identity.
 * @example const { workspaceId } = await client.workspace.me();
 */
export class WorkspaceApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * The workspace the token belongs to.
   * @example const { name } = await client.workspace.get();
   */
  get(): Promise<Workspace> {
    return this.http.json({ method: 'GET', path: '/v1/workspace' }, Workspace);
  }

  /**
   * Who the token speaks for: workspace and workspace user, with names.
   * @example const { workspaceUserId } = await client.workspace.me();
   */
  me(): Promise<OAuth2Me> {
    return this.http.json({ method: 'GET', path: '/oauth2/me' }, OAuth2Me);
  }
}
