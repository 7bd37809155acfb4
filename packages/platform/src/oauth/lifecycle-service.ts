import { SwitchboardError } from '@switchboard/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { AppsService } from '../apps/apps-service.js';
import { manifestOf } from '../apps/apps-service.js';
import type { ChannelsService } from '../chat/channels/channels-service.js';
import type { MessagesService } from '../chat/messages/messages-service.js';
import type { Clock } from '../clock.js';
import { newId } from '../store/ids.js';
import type { AppsTable, Database } from '../store/schema.js';
import type { Installed } from './exchange-service.js';
import type { InstallationsStore } from './installations-store.js';

type AppEventType = 'APP_UNINSTALLED' | 'APP_UNAUTHORIZED';

/**
 * The end (and start) of an app's life in a workspace: uninstall, unauthorize, and the
 * welcome message on first install. Each end records its APP_* event in the outbox in the
 * same transaction as the revocation.
 */
export class LifecycleService {
  constructor(
    private readonly apps: AppsService,
    private readonly store: InstallationsStore,
    private readonly db: Kysely<Database>,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
    private readonly clock: Clock,
    private readonly onRevoked: () => void,
  ) {}

  /** A person withdraws their authorization: their user tokens die at once. */
  async unauthorize(appId: string, workspaceId: string, userId: string): Promise<void> {
    const app = await this.requireApp(appId);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const authorization = await this.store.activeAuthorization(appId, userId, trx);
      if (!authorization) throw new SwitchboardError('not_found', 'This person has not authorized the app.');
      await trx.updateTable('app_authorizations').set({ revoked_at: now }).where('id', '=', authorization.id).execute();
      await this.store.revokeTokens(trx, { appId, userId, kind: 'user' }, now);
      const installation = await this.store.activeInstallation(appId, workspaceId, trx);
      await this.record(trx, app, workspaceId, 'APP_UNAUTHORIZED', {
        id: authorization.id,
        app: appId,
        appInstallation: installation?.id ?? null,
        workspaceUser: userId,
        workspace: workspaceId,
        grantedScopes: JSON.parse(authorization.user_scopes),
        accessGranted: false,
      });
    });
    this.onRevoked();
  }

  /** A workspace admin (or the app itself) uninstalls: every token of the app there dies, the bot is deactivated. */
  async uninstall(appId: string, workspaceId: string, byUserId: string): Promise<void> {
    const app = await this.requireApp(appId);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const installation = await this.store.activeInstallation(appId, workspaceId, trx);
      if (!installation) throw new SwitchboardError('not_found', 'The app is not installed in this workspace.');
      await trx.updateTable('app_installations').set({ uninstalled_at: now, bot_token_enc: null }).where('id', '=', installation.id).execute();
      await trx
        .updateTable('app_authorizations')
        .set({ revoked_at: now })
        .where('app_id', '=', appId)
        .where('workspace_id', '=', workspaceId)
        .where('revoked_at', 'is', null)
        .execute();
      await this.store.revokeTokens(trx, { appId, workspaceId }, now);
      if (installation.bot_user_id)
        await trx.updateTable('workspace_users').set({ status: 'DEACTIVATED' }).where('id', '=', installation.bot_user_id).execute();
      await this.record(trx, app, workspaceId, 'APP_UNINSTALLED', {
        id: installation.id,
        app: appId,
        workspace: workspaceId,
        installedBy: installation.installed_by,
        botUser: installation.bot_user_id,
        uninstalledAt: now,
        uninstalledBy: byUserId,
      });
    });
    this.onRevoked();
  }

  /** On first install, the bot greets every person of the workspace in a direct message (seed 001). */
  async welcome(installed: Installed): Promise<void> {
    const text = installed.manifest.welcomeMessage;
    if (!installed.firstInstall || !installed.botUserId || !text) return;
    const workspaceId = installed.response.workspaceId;
    const bot = { workspaceId, userId: installed.botUserId, role: 'bot' as const };
    const people = await this.db
      .selectFrom('workspace_users')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', 'ACTIVE')
      .where('role', '!=', 'bot')
      .execute();
    for (const person of people) {
      const dm = await this.channels.direct(bot, [person.id], true);
      await this.messages.post(bot, dm.channel.id, { text });
    }
  }

  private async requireApp(appId: string): Promise<AppsTable> {
    const app = await this.apps.find(appId);
    if (!app) throw new SwitchboardError('not_found', 'No such app.');
    return app;
  }

  /** Writes the APP_* event to the outbox if the app subscribed to it (transactional outbox). */
  private async record(trx: Transaction<Database>, app: AppsTable, workspaceId: string, eventType: AppEventType, body: Record<string, unknown>): Promise<void> {
    const manifest = manifestOf(app);
    if (!manifest.eventSubscriptions.events.includes(eventType)) return;
    const now = this.clock.now();
    const payload = { messageType: 'APP_EVENT', eventType, workspaceId, workspaceUserIds: [], body: JSON.stringify(body) };
    await trx
      .insertInto('event_outbox')
      .values({
        id: newId(now),
        app_id: app.id,
        workspace_id: workspaceId,
        event_type: eventType,
        channel_key: `app:${workspaceId}`,
        payload: JSON.stringify(payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        first_failed_at: null,
        lease_until: null,
        created_at: now,
      })
      .execute();
  }
}
