import { useCallback, useLayoutEffect } from 'preact/hooks';
import type { ChatMessage } from '../api/types.js';
import { channelTitle, isDirect } from '../state/channel-names.js';
import { chat } from '../state/chat-store.js';
import { mergeMessages } from '../state/message-lists.js';
import { channelPath, navigate } from '../state/router.js';
import { useChat } from '../state/use-chat.js';
import { Composer } from './Composer.js';
import { Icon } from './Icon.js';
import { MessageList } from './MessageList.js';

/** One channel: header, live history with paging back, and the composer. */
export function ChannelView({ channelId, onMenu }: { channelId: string; onMenu: () => void }) {
  const state = useChat();
  const me = state.me?.id ?? '';
  const info = state.channels.find((c) => c.channel.id === channelId);
  // A layout effect runs right after the first render; a plain effect would wait for a frame to be painted.
  useLayoutEffect(() => {
    chat.openChannel(channelId).catch((e: Error) => chat.notify(e.message));
  }, [channelId]);
  const loadOlder = useCallback(() => {
    chat.loadOlder(channelId).catch((e: Error) => chat.notify(e.message));
  }, [channelId]);
  const openThread = useCallback((m: ChatMessage) => navigate(channelPath(channelId, m.id)), [channelId]);
  const w = state.windows[channelId];
  const ephemerals = state.ephemerals.filter((m) => m.channelId === channelId && !m.rootId);
  const direct = info ? isDirect(info) : false;
  const title = info ? channelTitle(info, state.users, me) : '';
  const leave = () => {
    if (!info) return;
    chat
      .leave(channelId)
      .then(() => navigate('/', true))
      .catch((e: Error) => chat.notify(e.message));
  };

  return (
    <section class="channel-view" aria-label={title ? `${direct ? '' : '#'}${title}` : 'Channel'}>
      <header class="pane-header">
        <button type="button" class="icon-button menu-button" aria-label="Open channel list" onClick={onMenu}>
          <Icon name="menu" />
        </button>
        <div class="channel-heading">
          <h1>
            {!direct && (
              <span class="hash" aria-hidden="true">
                <Icon name={info?.channel.channelType === 'PRIVATE' ? 'lock' : 'hash'} size={18} />
              </span>
            )}
            {title}
          </h1>
          {info?.channel.description && <p class="channel-description">{info.channel.description}</p>}
        </div>
        {info && !direct && info.channel.name !== 'general' && (
          <button type="button" class="button small" onClick={leave}>
            Leave
          </button>
        )}
      </header>
      {info && info.channel.isMember === false && (
        <div class="join-banner">
          You are viewing #{title}.{' '}
          <button type="button" class="button small primary" onClick={() => chat.join(channelId).catch((e: Error) => chat.notify(e.message))}>
            Join channel
          </button>
        </div>
      )}
      {w?.loaded ? (
        <MessageList
          messages={mergeMessages(w.messages, ephemerals)}
          users={state.users}
          me={me}
          hasMoreBefore={w.hasMoreBefore}
          loadingOlder={w.loadingOlder}
          onLoadOlder={loadOlder}
          onOpenThread={openThread}
          label={`Messages in ${title}`}
        />
      ) : (
        <div class="message-scroller loading" aria-busy="true">
          Loading messages…
        </div>
      )}
      <Composer channelId={channelId} placeholder={`Message ${direct ? title : `#${title}`}`} commands={state.commands} idPrefix="channel" />
    </section>
  );
}
