import type { Generated } from 'kysely';

/** The relay's own tables (never the platform's): registrations and the event queue. */
export interface RelayDatabase {
  relay_apps: RelayAppsTable;
  relay_events: RelayEventsTable;
  relay_presence: RelayPresenceTable;
  relay_triggers: RelayTriggersTable;
}

/** PostgreSQL clusters: which node has consumers of which app, refreshed while they are connected. */
export interface RelayPresenceTable {
  app_id: string;
  node_id: string;
  seen_at: number;
}

/** PostgreSQL clusters: a trigger waiting for a node with a consumer of its app, then its reply. */
export interface RelayTriggersTable {
  id: string;
  app_id: string;
  origin_node: string;
  body: Uint8Array;
  headers: string;
  created_at: number;
  claimed_by: string | null;
  reply_status: number | null;
  reply_body: string | null;
}

export interface RelayAppsTable {
  app_id: string;
  /** JSON array of the secrets the app's hooks may be signed with. */
  secrets: string;
  created_at: number;
  updated_at: number;
}

export type EventState = 'queued' | 'acked';

export interface RelayEventsTable {
  /** Arrival order within the whole relay (and so within each app). */
  seq: Generated<number>;
  /** The relay's own event id (never X-OUTBOUND-INDEX, which repeats across channels). */
  id: string;
  app_id: string;
  state: EventState;
  received_at: number;
  acked_at: number | null;
  /** The body exactly as received. */
  body: Uint8Array;
  /** JSON object of the original request headers worth keeping. */
  headers: string;
  delivery_id: string | null;
  outbound_index: string | null;
  /** Which consumer holds the event (a connection or a drain), until `lease_until`. */
  lease_owner: string | null;
  lease_until: number | null;
  /** Times the event was handed out. */
  attempts: number;
}
