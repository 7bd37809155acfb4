import { useEffect } from 'preact/hooks';
import { channelTitle, isDirect } from '../state/channel-names.js';
import { chat } from '../state/chat-store.js';
import { mergeMessages } from '../state/message-lists.js';
import { channelPath, navigate } from '../state/router.js';
import { useChat } from '../state/use-chat.js';
import { Composer } from './Composer.js';
import { Icon } from './Icon.js';
import { MessageItem } from './MessageItem.js';
import { MessageList } from './MessageList.js';

/** A thread beside the channel: its root, replies (live) and a composer for replies. */
export function ThreadPanel({ channelId, rootId }: { channelId: string; rootId: string }) {
  const state = useChat();
  useEffect(() => {
    chat.openThread(channelId, rootId).catch((e: Error) => chat.notify(e.message));
  }, [channelId, rootId]);
  const me = state.me?.id ?? '';
  const root = chat.rootOf(channelId, rootId);
  const replies = state.windows[`t:${rootId}`]?.messages ?? [];
  const ephemerals = state.ephemerals.filter((m) => m.rootId === rootId);
  const info = state.channels.find((c) => c.channel.id === channelId);
  const channel = info ? `${isDirect(info) ? '' : '#'}${channelTitle(info, state.users, me)}` : '';
  return (
    <aside class="thread-panel" aria-label="Thread">
      <header class="pane-header">
        <div class="channel-heading">
          <h2>Thread</h2>
          {channel && <p class="channel-description">{channel}</p>}
        </div>
        <button type="button" class="icon-button" aria-label="Close thread" onClick={() => navigate(channelPath(channelId))}>
          <Icon name="close" />
        </button>
      </header>
      {root && (
        <div class="thread-root">
          <MessageItem message={root} users={state.users} me={me} />
        </div>
      )}
      <div class="thread-count">
        {replies.length} {replies.length === 1 ? 'reply' : 'replies'}
      </div>
      <MessageList messages={mergeMessages(replies, ephemerals)} users={state.users} me={me} label="Replies" />
      <Composer channelId={channelId} rootId={rootId} placeholder="Reply in thread" commands={state.commands} idPrefix="thread" />
    </aside>
  );
}
