import type { ApiClient } from './client.js';

/** One event delivery as the platform's operations API lists it (platform delivery-ops). */
export interface DeliveryRow {
  id: string;
  workspaceId: string;
  eventType: string;
  webhookId: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attemptCount: number;
  createdAt: number;
  nextAttemptAt: number | null;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  inFlight: boolean;
}

const base = (appId: string) => `/v1/apps/${encodeURIComponent(appId)}/deliveries`;

/** Event delivery operations (ours): an app owner's view of what was sent and how it went. */
export const deliveriesApi = {
  list: (client: ApiClient, appId: string, query: { status?: string; eventType?: string; limit?: number; cursor?: string }) =>
    client.request<{ deliveries: DeliveryRow[]; nextCursor: string | null }>('GET', base(appId), { query }),
  redeliver: (client: ApiClient, appId: string, deliveryId: string) =>
    client.request<DeliveryRow>('POST', `${base(appId)}/${encodeURIComponent(deliveryId)}/redeliver`),
};
