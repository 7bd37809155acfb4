import { type PumbleUserGroup, SwitchboardError } from '@switchboard/protocol';
import type { Clock } from '../../clock.js';
import { newId } from '../../store/ids.js';
import type { UserGroupsTable } from '../../store/schema.js';
import type { ChatCaller } from '../channels/channels-service.js';
import type { UsersStore } from '../users/users-store.js';
import type { UserGroupsStore } from './user-groups-store.js';

export interface NewUserGroup {
  name: string;
  handle: string;
  description?: string;
  workspaceUserIds?: string[];
}

export interface UserGroupPatch {
  name?: string;
  handle?: string;
  description?: string;
  disabled?: boolean;
  workspaceUserIds?: string[];
}

const isAdmin = (role: string) => role === 'owner' || role === 'admin';

/** A handle as people type it after `@`: lowercase letters, digits, `-`, `_`, `.`. */
export function normaliseHandle(handle: string): string {
  return handle.trim().replace(/^@/, '').toLowerCase();
}

function toUserGroup(row: UserGroupsTable, members: readonly string[]): PumbleUserGroup {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    createdBy: row.created_by,
    disabled: row.disabled === 1,
    name: row.name,
    handle: row.handle,
    description: row.description,
    workspaceUserIds: [...members],
  };
}

/** User groups (`@design`): any person creates one; its creator or an admin changes it. */
export class UserGroupsService {
  constructor(
    private readonly store: UserGroupsStore,
    private readonly users: UsersStore,
    private readonly clock: Clock,
  ) {}

  async list(caller: ChatCaller): Promise<PumbleUserGroup[]> {
    const rows = await this.store.list(caller.workspaceId);
    const members = await this.store.membersOf(rows.map((r) => r.id));
    return rows.map((row) => toUserGroup(row, members.get(row.id) ?? []));
  }

  async get(caller: ChatCaller, groupId: string): Promise<PumbleUserGroup> {
    const row = await this.store.find(groupId);
    if (!row || row.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such user group.');
    return toUserGroup(row, (await this.store.membersOf([groupId])).get(groupId) ?? []);
  }

  async create(caller: ChatCaller, input: NewUserGroup): Promise<PumbleUserGroup> {
    if (caller.role === 'bot') throw new SwitchboardError('forbidden', 'Bots do not create user groups.');
    const handle = this.checkHandle(input.handle);
    const members = await this.activeMembers(caller, input.workspaceUserIds ?? []);
    const now = this.clock.now();
    const row: UserGroupsTable = {
      id: newId(now),
      workspace_id: caller.workspaceId,
      name: input.name,
      handle,
      description: input.description ?? '',
      created_by: caller.userId,
      disabled: 0,
      created_at: now,
    };
    await this.store.db.transaction().execute(async (trx) => {
      if (await this.store.findByHandle(caller.workspaceId, handle, trx)) throw new SwitchboardError('already_exists', `A group @${handle} exists.`);
      await this.store.insert(trx, row);
      await this.store.setMembers(trx, row.id, members);
    });
    return toUserGroup(row, members);
  }

  async update(caller: ChatCaller, groupId: string, patch: UserGroupPatch): Promise<PumbleUserGroup> {
    const row = await this.store.find(groupId);
    if (!row || row.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such user group.');
    if (row.created_by !== caller.userId && !isAdmin(caller.role)) throw new SwitchboardError('forbidden', 'Only the group’s creator or an admin changes it.');
    const handle = patch.handle !== undefined ? this.checkHandle(patch.handle) : undefined;
    const members = patch.workspaceUserIds ? await this.activeMembers(caller, patch.workspaceUserIds) : undefined;
    await this.store.db.transaction().execute(async (trx) => {
      if (handle !== undefined && handle !== row.handle && (await this.store.findByHandle(caller.workspaceId, handle, trx))) {
        throw new SwitchboardError('already_exists', `A group @${handle} exists.`);
      }
      await this.store.update(trx, groupId, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(handle !== undefined ? { handle } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      });
      if (members) await this.store.setMembers(trx, groupId, members);
    });
    return this.get(caller, groupId);
  }

  private checkHandle(raw: string): string {
    const handle = normaliseHandle(raw);
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(handle)) {
      throw new SwitchboardError('validation_failed', 'A handle uses lowercase letters, digits, ".", "-" and "_" (1 to 63).');
    }
    if (['channel', 'here', 'everyone'].includes(handle)) throw new SwitchboardError('validation_failed', `@${handle} is reserved.`);
    return handle;
  }

  private async activeMembers(caller: ChatCaller, ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const active = await this.users.activeUserIds(caller.workspaceId, unique);
    if (active.size !== unique.length) throw new SwitchboardError('not_found', 'Some of those people are not in this workspace.');
    return unique.sort();
  }
}
