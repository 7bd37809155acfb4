import { WorkspaceUser } from '@switchboard/protocol';
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
}
