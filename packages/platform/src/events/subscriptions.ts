import { type EventType, eventScopes, type Manifest } from '@switchboard/protocol';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../store/schema.js';

/** An app installed in a workspace and what it may receive there. */
export interface Subscription {
  appId: string;
  events: ReadonlySet<string>;
  botUserId: string | null;
  botScopes: ReadonlySet<string>;
  /** Authorized people and their granted user scopes. */
  people: ReadonlyMap<string, ReadonlySet<string>>;
}

const CACHE_MS = 2_000;

/**
 * Which installed apps subscribe to what, per workspace. Cached briefly (read on every chat
 * change); install, uninstall and authorization changes on this node clear it at once.
 */
export class Subscriptions {
  private cache = new Map<string, { at: number; subs: Subscription[] }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  invalidate(): void {
    this.cache = new Map();
  }

  /** The cached list if still fresh, without a query (undefined = unknown). */
  peek(workspaceId: string): Subscription[] | undefined {
    const hit = this.cache.get(workspaceId);
    return hit && this.clock.now() - hit.at < CACHE_MS ? hit.subs : undefined;
  }

  async of(workspaceId: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<Subscription[]> {
    const now = this.clock.now();
    const hit = this.cache.get(workspaceId);
    if (hit && now - hit.at < CACHE_MS) return hit.subs;
    const installs = await db
      .selectFrom('app_installations as i')
      .innerJoin('apps as a', 'a.id', 'i.app_id')
      .select(['i.app_id', 'i.bot_user_id', 'i.bot_scopes', 'a.manifest'])
      .where('i.workspace_id', '=', workspaceId)
      .where('i.uninstalled_at', 'is', null)
      .execute();
    const subs: Subscription[] = [];
    if (installs.length > 0) {
      const grants = await db
        .selectFrom('app_authorizations')
        .select(['app_id', 'user_id', 'user_scopes'])
        .where('workspace_id', '=', workspaceId)
        .where('revoked_at', 'is', null)
        .execute();
      for (const install of installs) {
        const manifest = JSON.parse(install.manifest) as Manifest;
        if (manifest.eventSubscriptions.events.length === 0) continue;
        const people = new Map<string, ReadonlySet<string>>();
        for (const grant of grants) if (grant.app_id === install.app_id) people.set(grant.user_id, new Set(JSON.parse(grant.user_scopes) as string[]));
        subs.push({
          appId: install.app_id,
          events: new Set(manifest.eventSubscriptions.events),
          botUserId: install.bot_user_id,
          botScopes: new Set(JSON.parse(install.bot_scopes) as string[]),
          people,
        });
      }
    }
    this.cache.set(workspaceId, { at: now, subs });
    return subs;
  }
}

/** The people (bot first) of an app who hold the event's scope and can see the channel. */
export function recipientsOf(sub: Subscription, eventType: EventType, canSee: (userId: string) => boolean): string[] {
  const scope = eventScopes[eventType];
  const out: string[] = [];
  if (sub.botUserId && (!scope || sub.botScopes.has(scope)) && canSee(sub.botUserId)) out.push(sub.botUserId);
  for (const [userId, scopes] of sub.people) if ((!scope || scopes.has(scope)) && canSee(userId)) out.push(userId);
  return out;
}
