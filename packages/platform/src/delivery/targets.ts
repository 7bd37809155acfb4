/** Where a delivery goes, resolved when it is sent (so a changed URL or rotated secret applies to retries). */

/** The ways a delivery can reach an app; HTTP now, socket mode and the relay later. */
export type TransportName = 'http' | 'socket' | 'relay';

/**
 * `pumble`: x-pumble-request-* signature, any 2xx succeeds (app event URLs).
 * `watson`: X-OUTBOUND-TOKEN signature, only 200/201/203/204 succeed (seed 003 webhooks).
 */
export type SigningScheme = 'pumble' | 'watson';

export interface DeliveryTarget {
  url: string;
  /** `previous` is set during a rotation grace period and signs x-switchboard-signature-previous. */
  signingSecrets: { current: string; previous?: string };
  transport: TransportName;
  /** Defaults to `pumble`. */
  scheme?: SigningScheme;
  /** Overrides the transport's timeout for this target. */
  timeoutMs?: number;
}

/** What the dispatcher knows of a row when it asks for its target. */
export interface TargetQuery {
  appId: string;
  workspaceId: string;
  eventType: string;
  /** The outbox row's `target` column: null for the app's event URL, else e.g. a webhook id. */
  target: string | null;
}

/**
 * Resolves targets from the app registry (implemented there). Undefined means there is no
 * longer anywhere to deliver (app deleted, webhook removed): the row is cancelled.
 */
export interface DeliveryTargets {
  resolve(query: TargetQuery): Promise<DeliveryTarget | undefined> | DeliveryTarget | undefined;
}
