import { SwitchboardError, type Workspace, type WorkspaceUser } from '@switchboard/protocol';
import type { Transaction } from 'kysely';
import type { PersonActor } from '../../auth/actor.js';
import { hashPassword } from '../../auth/passwords.js';
import type { SessionsService } from '../../auth/sessions-service.js';
import type { Clock } from '../../clock.js';
import { newId } from '../../store/ids.js';
import type { Database, WorkspaceRole } from '../../store/schema.js';
import type { ChangeBus } from '../changes.js';
import { toWorkspaceUser } from '../views.js';
import type { UsersStore } from './users-store.js';

export interface NewPerson {
  email: string;
  name: string;
  password: string;
  role: Exclude<WorkspaceRole, 'bot'>;
  timeZoneId?: string;
  title?: string;
  avatar?: string;
}

export interface ProfilePatch {
  name?: string;
  avatar?: string | null;
  timeZoneId?: string;
  title?: string | null;
  role?: Exclude<WorkspaceRole, 'bot'>;
  status?: 'ACTIVE' | 'DEACTIVATED';
}

type Caller = Pick<PersonActor, 'workspaceId' | 'userId' | 'role'>;

const isAdmin = (role: WorkspaceRole) => role === 'owner' || role === 'admin';

/** Workspaces and their people: profiles, roles, membership. */
export class UsersService {
  constructor(
    private readonly store: UsersStore,
    private readonly bus: ChangeBus,
    private readonly clock: Clock,
    private readonly sessions: SessionsService,
  ) {}

  async workspace(caller: Caller): Promise<Workspace> {
    const row = await this.store.findWorkspace(caller.workspaceId);
    if (!row) throw new SwitchboardError('not_found', 'The workspace no longer exists.');
    // Pumble's Workspace: the id doubles as the unique identifier; no preset statuses (yet).
    return { id: row.id, name: row.name, customStatusDefinitions: [], uniqueIdentifier: row.id };
  }

  async list(caller: Caller): Promise<WorkspaceUser[]> {
    const [rows, statuses] = await Promise.all([this.store.listUsers(caller.workspaceId), this.store.statusesOf(caller.workspaceId)]);
    const now = this.clock.now();
    return rows.map((row) => toWorkspaceUser(row, statuses.get(row.id), now));
  }

  async get(caller: Caller, userId: string): Promise<WorkspaceUser> {
    const row = await this.store.findUser(userId);
    if (!row || row.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such user in this workspace.');
    return toWorkspaceUser(row, await this.store.statusOf(userId), this.clock.now());
  }

  /** Creates a workspace with its owner and a #general channel, in one transaction. */
  async createWorkspace(
    name: string,
    owner: NewPerson,
    trxWork?: (trx: Transaction<Database>, ids: { workspaceId: string; ownerId: string; generalId: string }) => Promise<void>,
  ) {
    const now = this.clock.now();
    const workspaceId = newId(now);
    const ownerId = newId(now);
    const generalId = newId(now);
    const passwordHash = await hashPassword(owner.password);
    await this.bus.commit(async (trx) => {
      await this.store.insertWorkspace(trx, { id: workspaceId, name, created_at: now });
      const accountId = await this.ensureAccount(trx, owner.email, passwordHash, now);
      await this.insertPerson(trx, workspaceId, ownerId, accountId, { ...owner, role: 'owner' }, now);
      await trx
        .insertInto('channels')
        .values({
          id: generalId,
          workspace_id: workspaceId,
          type: 'PUBLIC',
          name: 'general',
          description: 'Everyone',
          is_archived: 0,
          direct_key: null,
          created_by: ownerId,
          created_at: now,
        })
        .execute();
      await trx.insertInto('channel_members').values({ channel_id: generalId, user_id: ownerId, joined_at: now }).execute();
      await trxWork?.(trx, { workspaceId, ownerId, generalId });
    });
    return { workspaceId, ownerId, generalId };
  }

  /** An admin adds a person to the workspace (creating their account if new); they join #general. */
  async addPerson(caller: Caller, person: NewPerson): Promise<WorkspaceUser> {
    if (!isAdmin(caller.role)) throw new SwitchboardError('forbidden', 'Only workspace owners and admins add people.');
    if (person.role === 'owner' && caller.role !== 'owner') throw new SwitchboardError('forbidden', 'Only an owner makes another owner.');
    const now = this.clock.now();
    const id = newId(now);
    const email = person.email.trim().toLowerCase();
    const passwordHash = await hashPassword(person.password);
    await this.bus.commit(async (trx, record) => {
      const accountId = await this.ensureAccount(trx, email, passwordHash, now);
      const existing = await trx
        .selectFrom('workspace_users')
        .select('id')
        .where('workspace_id', '=', caller.workspaceId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (existing) throw new SwitchboardError('already_exists', 'That person is already in this workspace.');
      await this.insertPerson(trx, caller.workspaceId, id, accountId, person, now);
      const general = await trx
        .selectFrom('channels')
        .select('id')
        .where('workspace_id', '=', caller.workspaceId)
        .where('name', '=', 'general')
        .where('type', '=', 'PUBLIC')
        .executeTakeFirst();
      if (general) {
        await trx.insertInto('channel_members').values({ channel_id: general.id, user_id: id, joined_at: now }).execute();
        record({
          type: 'channel.member_joined',
          workspaceId: caller.workspaceId,
          audience: { channelId: general.id },
          data: { channelId: general.id, userId: id },
        });
      }
    });
    return this.get(caller, id);
  }

  /** A person edits their own profile; admins may also change roles and deactivate. */
  async update(caller: Caller, userId: string, patch: ProfilePatch): Promise<WorkspaceUser> {
    const target = await this.store.findUser(userId);
    if (!target || target.workspace_id !== caller.workspaceId) throw new SwitchboardError('not_found', 'No such user in this workspace.');
    const self = userId === caller.userId;
    const adminOnly = patch.role !== undefined || patch.status !== undefined;
    if (adminOnly && !isAdmin(caller.role)) throw new SwitchboardError('forbidden', 'Only owners and admins change roles or deactivate people.');
    if (!self && !isAdmin(caller.role)) throw new SwitchboardError('forbidden', 'You can only edit your own profile.');
    if (target.role === 'owner' && caller.role !== 'owner' && !self) throw new SwitchboardError('forbidden', 'Only an owner edits an owner.');
    if (target.role === 'bot' && (patch.role || patch.status)) throw new SwitchboardError('forbidden', 'Bots are managed through their app.');
    const changes = {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.avatar !== undefined ? { avatar: patch.avatar } : {}),
      ...(patch.timeZoneId !== undefined ? { time_zone_id: patch.timeZoneId } : {}),
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
    };
    // An empty patch changes nothing (an UPDATE with nothing to set is a database error).
    if (Object.keys(changes).length > 0) await this.store.updateUser(this.store.db, userId, changes);
    if (patch.status === 'DEACTIVATED') await this.sessions.revokeUser(userId);
    return this.get(caller, userId);
  }

  private async ensureAccount(trx: Transaction<Database>, email: string, passwordHash: string, now: number): Promise<string> {
    const normalized = email.trim().toLowerCase();
    const existing = await this.store.findAccountByEmail(normalized, trx);
    if (existing) return existing.id;
    const id = newId(now);
    await this.store.insertAccount(trx, { id, email: normalized, password_hash: passwordHash, created_at: now });
    return id;
  }

  private async insertPerson(trx: Transaction<Database>, workspaceId: string, id: string, accountId: string, person: NewPerson, now: number) {
    await this.store.insertUser(trx, {
      id,
      workspace_id: workspaceId,
      account_id: accountId,
      app_id: null,
      name: person.name,
      email: person.email.trim().toLowerCase(),
      role: person.role,
      status: 'ACTIVE',
      avatar: person.avatar ?? null,
      time_zone_id: person.timeZoneId ?? 'UTC',
      title: person.title ?? null,
      created_at: now,
    });
  }
}
