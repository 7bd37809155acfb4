import { randomUUID } from 'node:crypto';
import { type BlockActionBody, SwitchboardError, type TriggerResult } from '@switchboard/protocol';
import type { PersonActor } from '../auth/actor.js';
import type { InteractionSources } from './interaction-sources.js';
import { actionTypeOf, findElement, type InteractiveElement, offeredValues } from './interactive-elements.js';
import type { PendingInteractions } from './pending-interactions.js';
import { type TriggerRunner, toTriggerResult } from './trigger-runner.js';
import type { ViewsService } from './views-service.js';

/** An element may ask for a longer or shorter loading state than the platform default, up to this. */
const MAX_LOADING_TIMEOUT_MS = 60_000;

/**
 * A person clicks a button or picks in a select of a message or view an app's bot authored:
 * the BLOCK_INTERACTION payload goes to the app's `blockInteraction.url`.
 */
export class BlockInteractions {
  constructor(
    private readonly sources: InteractionSources,
    private readonly views: ViewsService,
    private readonly pending: PendingInteractions,
    private readonly runner: TriggerRunner,
    private readonly defaultLoadingTimeoutMs: number,
  ) {}

  async act(caller: PersonActor, body: BlockActionBody): Promise<TriggerResult> {
    const source = await this.sources.resolve(caller, body);
    const element = findElement(source.blocks, body.onAction, body.blockId);
    if (!element) throw new SwitchboardError('not_found', `No interactive element ${body.onAction} there.`);
    const url = source.target.manifest.blockInteraction?.url;
    if (!url) throw new SwitchboardError('not_found', 'The app takes no block interactions.');
    if (body.state && !source.view) throw new SwitchboardError('validation_failed', 'Only VIEW sources carry state.');
    const value = chosenValue(element, body.value);
    let view = source.view;
    if (view && body.state) view = await this.views.saveState(view, body.state);
    const triggerId = randomUUID();
    const loadingTimeout = loadingTimeoutOf(element, this.defaultLoadingTimeoutMs);
    const payload = {
      messageType: 'BLOCK_INTERACTION',
      workspaceId: caller.workspaceId,
      userId: caller.userId,
      ...(source.channelId ? { channelId: source.channelId } : {}),
      sourceType: body.sourceType,
      sourceId: body.sourceId,
      actionType: actionTypeOf(element),
      onAction: element.onAction,
      payload: JSON.stringify({ value }),
      ...(view ? { view: this.views.payloadView(view) } : {}),
      triggerId,
      loadingTimeout,
    };
    // Recorded before sending: an app may complete the interaction before it answers.
    await this.pending.start(
      {
        trigger_id: triggerId,
        app_id: source.target.app.id,
        workspace_id: caller.workspaceId,
        user_id: caller.userId,
        channel_id: source.channelId ?? null,
        source_type: body.sourceType,
        source_id: body.sourceId,
      },
      loadingTimeout,
    );
    const place = { workspaceId: caller.workspaceId, userId: caller.userId, channelId: source.channelId, threadRootId: source.threadRootId };
    const result = await this.runner.run({ target: source.target, url, place, triggerId, contextViewId: view?.id }, payload);
    return toTriggerResult(triggerId, source.target.app.id, result, { loadingTimeout });
  }
}

/**
 * What the element's value is: a button's own `value` (what the person's client says is
 * ignored: the app decided it), or the selection, which a select must offer.
 */
function chosenValue(element: InteractiveElement, sent: unknown): unknown {
  if (element.type.toLowerCase() === 'button') return element.element.value ?? null;
  const offered = offeredValues(element);
  if (offered) {
    const picked = Array.isArray(sent) ? sent : [sent];
    if (!picked.every((v) => typeof v === 'string' && offered.has(v))) {
      throw new SwitchboardError('validation_failed', `${element.onAction} does not offer that value.`);
    }
  }
  const size = JSON.stringify(sent ?? null).length;
  if (size > 10_000) throw new SwitchboardError('validation_failed', 'The value is too large.');
  return sent ?? null;
}

function loadingTimeoutOf(element: InteractiveElement, fallback: number): number {
  const own = element.element.loadingTimeout;
  return typeof own === 'number' && Number.isInteger(own) && own >= 0 && own <= MAX_LOADING_TIMEOUT_MS ? own : fallback;
}
