import { randomUUID } from 'node:crypto';
import { SwitchboardError, type TriggerResult, type ViewState } from '@switchboard/protocol';
import type { PersonActor } from '../auth/actor.js';
import type { TriggerViewsTable } from '../store/schema.js';
import type { InstalledApps } from './installed-apps.js';
import { type TriggerRunner, toTriggerResult } from './trigger-runner.js';
import type { ViewsService } from './views-service.js';

/**
 * A person submits or closes an open view: VIEW_ACTION (SUBMIT | CLOSE) with the view and the
 * person's `state.values` goes to the app's `viewAction.url`. A submit the app acks without a
 * new view closes the submitted view (and any pushed above it); an UPDATE or PUSH keeps it;
 * `{errors}` keeps it open with a message per block. Closing tells the app only when the view
 * asked for it (`notifyOnClose`).
 */
export class ViewActions {
  constructor(
    private readonly views: ViewsService,
    private readonly installed: InstalledApps,
    private readonly runner: TriggerRunner,
  ) {}

  async submit(caller: PersonActor, viewId: string, state: ViewState): Promise<TriggerResult> {
    const opened = await this.views.openOf(caller.userId, viewId);
    const { target, url } = await this.targetOf(caller, opened);
    if (!url) throw new SwitchboardError('not_found', 'The app takes no view actions.');
    const row = await this.views.saveState(opened, state);
    const triggerId = randomUUID();
    const result = await this.runner.run(
      { target, url, place: placeOf(caller, row), triggerId, contextViewId: row.id, acceptsErrors: true },
      this.payload(caller, row, 'SUBMIT', triggerId),
    );
    if (result.errors) return toTriggerResult(triggerId, target.app.id, { ...result, view: await this.views.setErrors(row, result.errors) });
    if (result.outcome === 'acked' && !result.view) {
      return toTriggerResult(triggerId, target.app.id, result, { closedViewIds: await this.views.close(row) });
    }
    return toTriggerResult(triggerId, target.app.id, result);
  }

  async close(caller: PersonActor, viewId: string): Promise<TriggerResult> {
    const row = await this.views.openOf(caller.userId, viewId);
    const { target, url } = await this.targetOf(caller, row);
    const closedViewIds = await this.views.close(row);
    const triggerId = randomUUID();
    if (!url || this.views.payloadView(row).notifyOnClose !== true) return { outcome: 'acked', triggerId, appId: target.app.id, closedViewIds };
    const result = await this.runner.run({ target, url, place: placeOf(caller, row), triggerId }, this.payload(caller, row, 'CLOSE', triggerId));
    return toTriggerResult(triggerId, target.app.id, result, { closedViewIds });
  }

  private async targetOf(caller: PersonActor, row: TriggerViewsTable) {
    const target = await this.installed.byId(caller.workspaceId, row.app_id);
    if (!target) throw new SwitchboardError('not_found', 'No such open view.');
    return { target, url: target.manifest.viewAction?.url };
  }

  private payload(caller: PersonActor, row: TriggerViewsTable, viewActionType: 'SUBMIT' | 'CLOSE', triggerId: string) {
    return {
      messageType: 'VIEW_ACTION',
      workspaceId: caller.workspaceId,
      userId: caller.userId,
      ...(row.channel_id ? { channelId: row.channel_id } : {}),
      viewActionType,
      view: this.views.payloadView(row),
      triggerId,
    };
  }
}

function placeOf(caller: PersonActor, row: TriggerViewsTable) {
  return { workspaceId: caller.workspaceId, userId: caller.userId, ...(row.channel_id ? { channelId: row.channel_id } : {}) };
}
