import { HomeView, type PublishHomeViewBody } from '@switchboard/protocol';
import { type HttpTransport, pathOf } from './http.js';

/**
 * Home views: what the app shows one person on its home tab (Pumble's `publishHomeView`).
 * @example await botClient.homeViews.publish(userId, { blocks: [{ type: 'divider' }] });
 */
export class HomeViewsApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * Publishes (replaces) the home view `userId` sees (needs `channels:write`).
   * @example await botClient.homeViews.publish(userId, { title: { type: 'plain_text', text: 'Tasks' }, blocks });
   */
  publish(userId: string, view: PublishHomeViewBody): Promise<HomeView> {
    return this.http.json({ method: 'POST', path: pathOf`/v1/app/homeView/workspaceUsers/${userId}`, json: view }, HomeView);
  }
}
