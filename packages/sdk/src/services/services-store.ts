import type { StateStore } from '../oauth/state-store.js';

/**
 * Third-party services a bot is connected to (seed 002): one row per service name and
 * bot / group (channel) / user, with `data` — normally the service's tokens — sealed with
 * AES-256-GCM at rest. Also the seed's `bots` table, and (as a {@link StateStore}) the
 * used OAuth states, so several app processes share single use.
 * @example
 * const store: ServicesStore = new SqliteServicesStore({ database: './services.db', encryptionKey: process.env.SERVICES_KEY! });
 * await store.initialize();
 * const github = await store.findService({ name: 'GitHub', botId, groupId: channelId });
 */

/** Any JSON object; normally `{ accessToken, refreshToken, expiresAt, scope }`. */
export type ServiceData = Record<string, unknown>;

/** Which service row: `name` plus whichever of bot, group and user it belongs to (absent = null). @example { name: 'GitHub', botId, groupId: channelId } */
export interface ServiceKey {
  /** e.g. `"GitHub"`; identifies the third-party service. */
  name: string;
  botId?: string | null;
  /** A channel (Glip's "group"), when the service is connected for one channel. */
  groupId?: string | null;
  /** Who connected it, when it is personal. */
  userId?: string | null;
}

/** A row of the seed's `services` table, `data` decrypted. */
export interface Service {
  id: number;
  name: string;
  botId: string | null;
  groupId: string | null;
  userId: string | null;
  data: ServiceData;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of the seed's `bots` table: what the app keeps about one bot user, `data` sealed too. */
export interface Bot {
  /** The bot's workspace user id. */
  id: string;
  workspaceId: string | null;
  data: ServiceData;
  createdAt: Date;
  updatedAt: Date;
}

export interface ServicesStore extends StateStore {
  /** Creates the tables if missing. Call once before anything else. */
  initialize(): Promise<void>;
  /**
   * Creates the service or replaces its `data` (keeping `id` and `createdAt`): reconnecting a
   * service updates the row, as in seed 002.
   * @example await store.saveService({ name: 'GitHub', botId, groupId: channelId, data: { accessToken } })
   */
  saveService(service: ServiceKey & { data: ServiceData }): Promise<Service>;
  /** The row with exactly this key (an absent field matches only null). @example await store.findService({ name: 'GitHub', botId, groupId }) */
  findService(key: ServiceKey): Promise<Service | undefined>;
  /** Rows matching every field given, oldest first. @example await store.listServices({ botId }) */
  listServices(filter?: Partial<ServiceKey>): Promise<Service[]>;
  /** Deletes the row with exactly this key; true if there was one. */
  deleteService(key: ServiceKey): Promise<boolean>;
  /** Creates or replaces a bot row. @example await store.saveBot({ id: botId, workspaceId, data: {} }) */
  saveBot(bot: { id: string; workspaceId?: string | null; data: ServiceData }): Promise<Bot>;
  findBot(id: string): Promise<Bot | undefined>;
  /** Deletes the bot and every service of it (the app was uninstalled); true if the bot existed. */
  deleteBot(id: string): Promise<boolean>;
  /** Releases connections or handles the store opened. */
  close?(): Promise<void>;
}

/** The key with absent fields as null, validated, so every store treats it alike. */
export function normalizeServiceKey(key: ServiceKey): Required<ServiceKey> {
  if (typeof key.name !== 'string' || key.name.length === 0 || key.name.length > 255) throw new TypeError('A service needs a name of 1–255 characters.');
  const part = (value: string | null | undefined, field: string) => {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || value.length === 0 || value.length > 255)
      throw new TypeError(`Service ${field} must be a non-empty string of at most 255 characters.`);
    return value;
  };
  return { name: key.name, botId: part(key.botId, 'botId'), groupId: part(key.groupId, 'groupId'), userId: part(key.userId, 'userId') };
}

/** Only JSON objects go in `data`; anything else is a bug worth failing on. */
export function checkServiceData(data: unknown): ServiceData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TypeError('Service data must be a JSON object.');
  return data as ServiceData;
}
