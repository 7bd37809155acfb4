import type { Transaction } from 'kysely';
import { PrecompiledQuery } from '../store/precompiled-query.js';
import type { Database } from '../store/schema.js';

const channelType = new PrecompiledQuery<{ id: string }, { type: string }>((db, p) => db.selectFrom('channels').select(['type']).where('id', '=', p('id')));

/** Channels remembered at most; past it the oldest are forgotten (read again when used). */
const MAX_CHANNELS = 20_000;

/**
 * A channel's type (PUBLIC, PRIVATE, DIRECT…), read once per channel: it is fixed when the channel
 * is created (nothing updates it) and ids are never reused, so a remembered type is never stale —
 * on any node. Saves a statement in every post with subscribers (a round trip on PostgreSQL).
 */
export class ChannelTypes {
  private readonly known = new Map<string, string>();

  async of(trx: Transaction<Database>, channelId: string): Promise<string | undefined> {
    const cached = this.known.get(channelId);
    if (cached !== undefined) return cached;
    const type = (await channelType.execute(trx, { id: channelId })).rows[0]?.type;
    if (type === undefined) return undefined;
    if (this.known.size >= MAX_CHANNELS) this.known.delete(this.known.keys().next().value as string);
    this.known.set(channelId, type);
    return type;
  }
}
