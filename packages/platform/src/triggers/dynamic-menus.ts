import { randomUUID } from 'node:crypto';
import { type MenuOptionsResult, type MenuQueryBody, MenuReply, SwitchboardError } from '@switchboard/protocol';
import type { PersonActor } from '../auth/actor.js';
import type { InteractionSources } from './interaction-sources.js';
import { findElement } from './interactive-elements.js';
import { offlineMessageOf, type TriggerDelivery } from './trigger-delivery.js';

/**
 * A person types in a dynamic select: DYNAMIC_MENU goes to the menu's url and the app's options
 * come back in the response. The person's mistakes are 4xx; the app's (no answer, a refusal, a
 * malformed reply) are `200 {options: [], error: {code, message}}`, because the person's request
 * was fine and a gateway error would blame the platform.
 */
export class DynamicMenus {
  constructor(
    private readonly sources: InteractionSources,
    private readonly delivery: TriggerDelivery,
  ) {}

  async options(caller: PersonActor, body: MenuQueryBody): Promise<MenuOptionsResult> {
    const source = await this.sources.resolve(caller, body);
    if (!findElement(source.blocks, body.onAction, body.blockId)) throw new SwitchboardError('not_found', `No interactive element ${body.onAction} there.`);
    const menu = source.target.manifest.dynamicMenus?.find((m) => m.onAction === body.onAction);
    if (!menu) throw new SwitchboardError('not_found', `${body.onAction} is not a dynamic menu of the app.`);
    const triggerId = randomUUID();
    const payload = {
      messageType: 'DYNAMIC_MENU',
      onAction: menu.onAction,
      query: body.query,
      workspaceId: caller.workspaceId,
      userId: caller.userId,
      ...(source.channelId ? { channelId: source.channelId } : {}),
      triggerId,
    };
    const answer = await this.delivery.send(source.target, menu.url, payload);
    if (answer.kind === 'offline') return failed('app_unavailable', offlineMessageOf(source.target.manifest));
    if (answer.kind === 'nacked') return failed('app_refused', answer.message ?? 'The app refused.');
    const reply = MenuReply.safeParse(answer.body);
    if (!reply.success || reply.data.onAction !== menu.onAction || reply.data.triggerId !== triggerId) {
      return failed('invalid_reply', `${source.target.manifest.displayName} answered with options it cannot show.`);
    }
    return { options: reply.data.options, ...(reply.data.value !== undefined ? { value: reply.data.value } : {}) };
  }
}

function failed(code: 'app_unavailable' | 'app_refused' | 'invalid_reply', message: string): MenuOptionsResult {
  return { options: [], error: { code, message } };
}
