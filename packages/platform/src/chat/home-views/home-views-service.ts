import { type HomeView, type Manifest, type PublishHomeViewBody, SwitchboardError } from '@switchboard/protocol';
import type { Clock } from '../../clock.js';
import type { ChangeBus } from '../changes.js';
import type { UsersStore } from '../users/users-store.js';
import type { HomeViewsStore } from './home-views-store.js';

/** The app calling, as the routes see it. */
export interface HomeViewPublisher {
  appId: string;
  workspaceId: string;
}

/**
 * Home views: what an app shows one person on its home tab (Pumble's `publishHomeView`), stored
 * per app and person; until the app publishes one, the manifest's `defaultHomeView` is shown.
 */
export class HomeViewsService {
  constructor(
    private readonly store: HomeViewsStore,
    private readonly users: UsersStore,
    private readonly clock: Clock,
    private readonly bus?: ChangeBus,
  ) {}

  async publish(app: HomeViewPublisher, userId: string, body: PublishHomeViewBody): Promise<HomeView> {
    const person = await this.users.findUser(userId);
    if (!person || person.workspace_id !== app.workspaceId || person.status !== 'ACTIVE' || person.role === 'bot') {
      throw new SwitchboardError('not_found', 'No such person in this workspace.');
    }
    if (!(await this.store.installedManifest(app.appId, app.workspaceId))) throw new SwitchboardError('forbidden', 'The app is not installed here.');
    const now = this.clock.now();
    const view = { blocks: body.blocks, ...(body.title ? { title: body.title } : {}), ...(body.state !== undefined ? { state: body.state } : {}) };
    await this.store.save({ app_id: app.appId, user_id: userId, workspace_id: app.workspaceId, view: JSON.stringify(view), updated_at: now });
    const homeView: HomeView = { appId: app.appId, workspaceUserId: userId, ...view, isDefault: false, updatedAt: now };
    // The person's open page swaps the view in (only they see it).
    this.bus?.publish([{ type: 'home_view.updated', workspaceId: app.workspaceId, audience: { userIds: [userId] }, data: { homeView } }]);
    return homeView;
  }

  /** The home view `userId` sees for an app installed in their workspace. */
  async viewOf(caller: { workspaceId: string; userId: string }, appId: string): Promise<HomeView> {
    const manifestText = await this.store.installedManifest(appId, caller.workspaceId);
    if (!manifestText) throw new SwitchboardError('not_found', 'No such app in this workspace.');
    const stored = await this.store.find(appId, caller.userId);
    if (stored && stored.workspace_id === caller.workspaceId) {
      const view = JSON.parse(stored.view) as Pick<HomeView, 'blocks' | 'title' | 'state'>;
      return { appId, workspaceUserId: caller.userId, ...view, isDefault: false, updatedAt: stored.updated_at };
    }
    const fallback = (JSON.parse(manifestText) as Manifest).defaultHomeView;
    if (!fallback || fallback.enabled === false) throw new SwitchboardError('not_found', 'This app has no home view for you.');
    return {
      appId,
      workspaceUserId: caller.userId,
      blocks: fallback.blocks,
      ...(fallback.title ? { title: fallback.title } : {}),
      isDefault: true,
      updatedAt: null,
    };
  }
}
