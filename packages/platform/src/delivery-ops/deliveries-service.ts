import { SwitchboardError } from '@switchboard/protocol';
import type { AppsService } from '../apps/apps-service.js';
import type { PersonActor } from '../auth/actor.js';
import type { Clock } from '../clock.js';
import type { TargetQuery } from '../delivery/targets.js';
import type { AttemptLog } from './attempt-log.js';
import type { DeliveriesStore } from './deliveries-store.js';
import type { Delivery, DeliveryDetail, DeliveryListQuery, DeliveryPage } from './delivery-schemas.js';

/**
 * Lifts the dispatcher's gate of the endpoint a target resolves to and wakes it, so rows made
 * due now are claimed now rather than at the gated endpoint's next probe.
 */
export type Reopen = (query: TargetQuery) => Promise<void>;

/** The delivery operations of an app, for its owner: inspect, redeliver one, retry all pending now. */
export class DeliveriesService {
  constructor(
    private readonly store: DeliveriesStore,
    private readonly apps: AppsService,
    private readonly attemptLog: AttemptLog,
    private readonly clock: Clock,
    private readonly reopen: Reopen,
  ) {}

  async list(owner: PersonActor, appId: string, query: DeliveryListQuery): Promise<DeliveryPage> {
    await this.ownedApp(owner, appId);
    return this.store.list(appId, query, this.clock.now());
  }

  async get(owner: PersonActor, appId: string, deliveryId: string): Promise<DeliveryDetail> {
    await this.ownedApp(owner, appId);
    const found = await this.found(appId, deliveryId);
    // Attempts of this node still in the write buffer are part of the answer.
    await this.attemptLog.flush();
    return { ...found, attempts: await this.store.attempts(deliveryId) };
  }

  /** Sends a delivery again under the same id (delivered, failed or cancelled ones go back to pending). */
  async redeliver(owner: PersonActor, appId: string, deliveryId: string): Promise<Delivery> {
    await this.ownedApp(owner, appId);
    const before = await this.found(appId, deliveryId);
    const now = this.clock.now();
    if (!(await this.store.redeliver(appId, deliveryId, now))) {
      throw new SwitchboardError('conflict', 'This delivery is being attempted right now; look again in a moment.');
    }
    await this.reopen({ appId, workspaceId: before.workspaceId, eventType: before.eventType, target: before.webhookId });
    const { payload: _payload, ...after } = await this.found(appId, deliveryId);
    return after;
  }

  /** Every pending delivery of the app becomes due now, with a fresh retry schedule. */
  async retryPending(owner: PersonActor, appId: string): Promise<{ rescheduled: number }> {
    await this.ownedApp(owner, appId);
    const { rescheduled, targets } = await this.store.retryPending(appId, this.clock.now());
    await Promise.all(targets.map((t) => this.reopen({ appId, workspaceId: t.workspace_id, eventType: t.event_type, target: t.target })));
    return { rescheduled };
  }

  private async found(appId: string, deliveryId: string) {
    const found = await this.store.find(appId, deliveryId, this.clock.now());
    if (!found) throw new SwitchboardError('not_found', 'This app has no delivery with that id.');
    return found;
  }

  private async ownedApp(owner: PersonActor, appId: string): Promise<void> {
    const app = await this.apps.find(appId);
    // Someone else's app answers 404 too, like the app management API.
    if (!app || app.owner_user_id !== owner.userId) throw new SwitchboardError('not_found', 'You have no app with that id.');
  }
}
