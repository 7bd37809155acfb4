import { type MessageSearchRequest, PageMessageSearchResult } from '@switchboard/protocol';
import type { z } from 'zod';
import type { HttpTransport } from './http.js';

/** What a search may ask: text, authors (`from`), channels (`in`), time bounds, paging (`skip`, `limit` ≤ 20). */
export type SearchQuery = z.input<typeof MessageSearchRequest>;

/**
 * Message search over what the caller may read (Pumble's `searchMessages`).
 * @example const { content, hasMore } = await client.search.messages({ text: 'deploy', in: [channelId], limit: 20 });
 */
export class SearchApi {
  constructor(private readonly http: HttpTransport) {}

  /**
   * One page of matching messages, most relevant first unless `strategy` says otherwise.
   * @example const page = await client.search.messages({ text: 'invoice', from: [userId], strategy: 'NEWEST' });
   */
  messages(query: SearchQuery): Promise<PageMessageSearchResult> {
    return this.http.json({ method: 'POST', path: '/v1/messages/search', json: query }, PageMessageSearchResult);
  }
}
