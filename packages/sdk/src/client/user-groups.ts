import { PumbleUserGroup } from '@switchboard/protocol';
import { z } from 'zod';
import { type HttpTransport, pathOf } from './http.js';

const UserGroupList = z.array(PumbleUserGroup);

/**
 * User groups of the workspace (`@design`, made by people on the chat page); apps read them with `users:list`.
 * @example const design = (await client.userGroups.list()).find((g) => g.handle === 'design');
 */
export class UserGroupsApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Every user group with its members.
   * @example const groups = await client.userGroups.list();
   */
  list(): Promise<PumbleUserGroup[]> {
    return this.http.json({ method: 'GET', path: '/v1/workspaceUsers/groups' }, UserGroupList);
  }

  /**
   * One user group.
   * @example const { workspaceUserIds } = await client.userGroups.get(groupId);
   */
  get(groupId: string): Promise<PumbleUserGroup> {
    return this.http.json({ method: 'GET', path: pathOf`/v1/workspaceUsers/groups/${groupId}` }, PumbleUserGroup);
  }
}
