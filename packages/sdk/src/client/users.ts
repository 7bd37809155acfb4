import { type UpdateCustomStatusBody, WorkspaceUser } from '@switchboard/protocol';
import { z } from 'zod';
import { type HttpTransport, pathOf } from './http.js';

const WorkspaceUserList = z.array(WorkspaceUser);

/**
 * People and bots of the caller's workspace.
 * @example const alice = await client.users.get(userId);
 */
export class UsersApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Everyone in the workspace, bots included.
   * @example const people = (await client.users.list()).filter((u) => !u.isAddonBot);
   */
  list(): Promise<WorkspaceUser[]> {
    return this.http.json({ method: 'GET', path: '/v1/workspaceUsers' }, WorkspaceUserList);
  }

  /**
   * One person or bot.
   * @example const { name, timeZoneId } = await client.users.get(userId);
   */
  get(userId: string): Promise<WorkspaceUser> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/workspaceUsers/${userId}` }, WorkspaceUser);
  }

  /**
   * Sets the token's person's custom status (needs `status:write`); answers them with it.
   * @example await userClient.users.setCustomStatus({ code: ':palm_tree:', status: 'Away', expiration: 'today', expiresAt: 0, pausedNotifications: false });
   */
  setCustomStatus(status: UpdateCustomStatusBody): Promise<WorkspaceUser> {
    return this.http.json({ method: 'PUT', path: '/v1/workspaceUsers/customStatus', json: status }, WorkspaceUser);
  }

  /**
   * Clears the token's person's custom status.
   * @example await userClient.users.clearCustomStatus();
   */
  clearCustomStatus(): Promise<void> {
    return this.http.send({ method: 'DELETE', path: '/v1/workspaceUsers/customStatus' });
  }
}
