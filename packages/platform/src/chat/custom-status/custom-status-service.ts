import type { UpdateCustomStatusBody, WorkspaceUser } from '@switchboard/protocol';
import type { Clock } from '../../clock.js';
import type { ChangeBus } from '../changes.js';
import type { ChatCaller } from '../channels/channels-service.js';
import type { UsersService } from '../users/users-service.js';
import type { UsersStore } from '../users/users-store.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const spans: Partial<Record<string, number>> = { min30: 30 * MINUTE, hour1: 60 * MINUTE, hour4: 240 * MINUTE };

/**
 * When a status set now ends. An explicit `expiresAt` wins; otherwise the named span counts from
 * now, "today" and "this week" end at midnight UTC (Sunday for the week); "never" is 0.
 */
export function expiryOf(body: Pick<UpdateCustomStatusBody, 'expiration' | 'expiresAt'>, now: number): number {
  if (body.expiration === 'never') return 0;
  if (body.expiresAt > 0) return body.expiresAt;
  const span = body.expiration ? spans[body.expiration] : undefined;
  if (span) return now + span;
  const midnight = Math.floor(now / DAY) * DAY + DAY;
  if (body.expiration === 'today') return midnight;
  if (body.expiration === 'thisWeek') return midnight + ((7 - new Date(now).getUTCDay()) % 7) * DAY;
  return 0;
}

/** A person's custom status (Pumble's `updateCustomStatus`), shown on their WorkspaceUser. */
export class CustomStatusService {
  constructor(
    private readonly store: UsersStore,
    private readonly users: UsersService,
    private readonly clock: Clock,
    private readonly bus?: ChangeBus,
  ) {}

  async set(caller: ChatCaller, body: UpdateCustomStatusBody): Promise<WorkspaceUser> {
    const now = this.clock.now();
    await this.store.setStatus(caller.userId, {
      user_id: caller.userId,
      workspace_id: caller.workspaceId,
      code: body.code,
      status: body.status ?? '',
      expiration: body.expiration ?? (body.expiresAt > 0 ? 'custom' : 'never'),
      expires_at: expiryOf(body, now),
      paused_notifications: body.pausedNotifications ? 1 : 0,
      updated_at: now,
    });
    return this.announce(caller);
  }

  async clear(caller: ChatCaller): Promise<void> {
    await this.store.setStatus(caller.userId, undefined);
    await this.announce(caller);
  }

  /** Open pages show the new status at once (`user.updated` to the workspace). */
  private async announce(caller: ChatCaller): Promise<WorkspaceUser> {
    const user = await this.users.get(caller, caller.userId);
    this.bus?.publish([{ type: 'user.updated', workspaceId: caller.workspaceId, audience: { workspaceId: caller.workspaceId }, data: { user } }]);
    return user;
  }
}
