import { type MessageSearchRequest, type PageMessageSearchResult, SwitchboardError } from '@switchboard/protocol';
import type { ChatCaller } from '../chat/channels/channels-service.js';
import { toMessage } from '../chat/views.js';
import { highlightBlocks } from './highlights.js';
import { searchTerms } from './search-query.js';
import type { SearchStore } from './search-store.js';

/** The caller of a search; an app's token must hold `channels:list` as well (Pumble's scopes for searchMessages). */
export type SearchCaller = ChatCaller & { kind?: 'person' | 'app'; scopes?: ReadonlySet<string> };

/** `searchMessages`: full-text and filters over the messages the caller may read. */
export class SearchService {
  constructor(private readonly store: SearchStore) {}

  async search(caller: SearchCaller, request: MessageSearchRequest): Promise<PageMessageSearchResult> {
    if (caller.kind === 'app' && !caller.scopes?.has('channels:list')) {
      throw new SwitchboardError('missing_scope', 'This call needs the channels:list scope.', { needed: 'channels:list' });
    }
    const terms = searchTerms(request.text);
    // Text made only of punctuation matches nothing, rather than everything.
    if (request.text?.trim() && terms.length === 0) return { content: [], totalElements: 0, hasMore: false };
    const { rows, total } = await this.store.search({ workspaceId: caller.workspaceId, userId: caller.userId, terms }, request);
    const page = rows.slice(0, request.limit);
    const reactions = await this.store.reactionsOf(page.map((row) => row.id));
    return {
      content: page.map((row) => {
        const message = toMessage(
          row,
          reactions.filter((r) => r.message_id === row.id),
        );
        const highlighted = highlightBlocks(message.text, terms);
        return highlighted ? { ...message, highlightedBlocks: highlighted } : message;
      }),
      totalElements: total,
      hasMore: rows.length > request.limit,
    };
  }
}
