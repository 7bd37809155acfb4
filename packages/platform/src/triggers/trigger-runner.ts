import { ModalReply, type OpenView, type TriggerOutcome, type TriggerResult, ViewErrorsReply } from '@switchboard/protocol';
import type { InstalledApp } from './installed-apps.js';
import type { NoticePlace, PersonNotices } from './person-notices.js';
import { type ClassifiedAnswer, offlineMessageOf, type TriggerDelivery } from './trigger-delivery.js';
import { InvalidModal, type ViewsService } from './views-service.js';

/** One trigger a person started: which app, where, and (for clicks and submits in a view) which view. */
export interface TriggerRun {
  target: InstalledApp;
  url: string;
  place: NoticePlace;
  triggerId: string;
  contextViewId?: string;
  /** VIEW_ACTION SUBMIT: the app may answer with per-block errors. */
  acceptsErrors?: boolean;
}

export interface RunResult {
  outcome: TriggerOutcome;
  answer: ClassifiedAnswer;
  view?: OpenView;
  errors?: Record<string, string>;
}

/**
 * The reply handling every person-started trigger shares (PROTOCOL.md 6.3): an ack message or a
 * nack message is shown to the person as an ephemeral message from the app's bot, no answer /
 * 5xx / refused shows the offline message, and a modal reply opens, updates or pushes a view.
 * A body the app got wrong is `invalid_reply` for the person, never a 5xx.
 */
export class TriggerRunner {
  constructor(
    private readonly delivery: TriggerDelivery,
    private readonly notices: PersonNotices,
    private readonly views: ViewsService,
  ) {}

  async run(run: TriggerRun, payload: Record<string, unknown>): Promise<RunResult> {
    const { target, place } = run;
    const author = target.botUserId ?? 'system';
    const answer = await this.delivery.send(target, run.url, payload);
    if (answer.kind === 'offline') {
      this.notices.tell(place, author, offlineMessageOf(target.manifest));
      return { outcome: 'offline', answer };
    }
    if (answer.message !== undefined) this.notices.tell(place, author, answer.message);
    if (answer.kind === 'nacked') return { outcome: 'nacked', answer };
    if ('view' in answer.body) return this.applyModal(run, answer);
    if (run.acceptsErrors && 'errors' in answer.body) {
      const errors = ViewErrorsReply.safeParse(answer.body);
      if (errors.success) return { outcome: 'acked', answer, errors: errors.data.errors };
      return this.invalid(run, answer, 'errors must map block ids to messages');
    }
    return { outcome: 'acked', answer };
  }

  private async applyModal(run: TriggerRun, answer: ClassifiedAnswer): Promise<RunResult> {
    const modal = ModalReply.safeParse(answer.body);
    if (!modal.success) return this.invalid(run, answer, 'the view is not a valid modal reply');
    if (modal.data.triggerId !== run.triggerId) return this.invalid(run, answer, 'the triggerId is not the one it was sent');
    try {
      const view = await this.views.apply(
        {
          appId: run.target.app.id,
          workspaceId: run.place.workspaceId,
          userId: run.place.userId,
          channelId: run.place.channelId,
          contextViewId: run.contextViewId,
        },
        modal.data,
      );
      return { outcome: 'acked', answer, view };
    } catch (error) {
      if (error instanceof InvalidModal) return this.invalid(run, answer, error.message);
      throw error;
    }
  }

  private invalid(run: TriggerRun, answer: ClassifiedAnswer, why: string): RunResult {
    this.notices.tell(run.place, run.target.botUserId ?? 'system', `${run.target.manifest.displayName} answered with something it cannot show: ${why}.`);
    return { outcome: 'invalid_reply', answer };
  }
}

/** The person-facing result of a run (the answer body itself stays between app and platform). */
export function toTriggerResult(triggerId: string, appId: string, result: RunResult, extra: Partial<TriggerResult> = {}): TriggerResult {
  return {
    outcome: result.outcome,
    triggerId,
    appId,
    ...(result.view ? { view: result.view } : {}),
    ...(result.errors ? { errors: result.errors } : {}),
    ...extra,
  };
}
