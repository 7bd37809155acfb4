import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { channelTitle, isDirect } from '../state/channel-names.js';
import { chat } from '../state/chat-store.js';
import { channelPath, navigate, useRoute } from '../state/router.js';
import { useChat } from '../state/use-chat.js';
import { AppsPage } from './AppsPage.js';
import { ChannelView } from './ChannelView.js';
import { Dialogs } from './Dialogs.js';
import { Icon } from './Icon.js';
import { type DialogName, Sidebar } from './Sidebar.js';
import { ThreadPanel } from './ThreadPanel.js';

/** The page: sidebar, the routed view (a channel with its thread, or Configure Apps), dialogs and notices. */
export function App() {
  const state = useChat();
  const route = useRoute();
  const [dialog, setDialog] = useState<DialogName>();
  const [menuOpen, setMenuOpen] = useState(false);
  useLayoutEffect(() => {
    chat.init().catch((e: Error) => chat.notify(e.message));
  }, []);

  // `/`: the first channel (#general when there is one).
  useEffect(() => {
    if (route.view !== 'home' || state.channels.length === 0) return;
    const joined = state.channels.filter((c) => c.channel.isMember !== false && !isDirect(c));
    const first = joined.find((c) => c.channel.name === 'general') ?? joined[0] ?? state.channels[0];
    navigate(channelPath(first.channel.id), true);
  }, [route.view, state.channels]);

  const channelId = route.view === 'channel' ? route.channelId : undefined;
  const rootId = route.view === 'channel' ? route.rootId : undefined;

  // The tab's title: unread total, where the person is, the workspace.
  const unread = Object.values(state.unread).reduce((a, b) => a + b, 0);
  const here = route.view === 'apps' ? 'Configure Apps' : state.channels.find((c) => c.channel.id === channelId);
  const place = typeof here === 'string' ? here : here ? `${isDirect(here) ? '' : '#'}${channelTitle(here, state.users, state.me?.id ?? '')}` : '';
  useEffect(() => {
    document.title = [unread > 0 ? `(${unread})` : '', [place, state.workspaceName, 'Switchboard'].filter(Boolean).join(' · ')].filter(Boolean).join(' ');
  }, [unread, place, state.workspaceName]);

  // Escape closes the thread (unless a dialog or the autocomplete handles it first).
  useEffect(() => {
    if (!channelId || !rootId) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented && !document.querySelector('dialog[open]')) navigate(channelPath(channelId));
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [channelId, rootId]);
  const threadOpen = route.view === 'channel' && route.rootId !== undefined;
  return (
    <div class={`layout${menuOpen ? ' menu-open' : ''}${threadOpen ? ' thread-open' : ''}`}>
      <a class="skip-link" href="#main">
        Skip to messages
      </a>
      <Sidebar activeChannelId={channelId} appsActive={route.view === 'apps'} onDialog={setDialog} onNavigate={() => setMenuOpen(false)} />
      <button type="button" class="scrim" aria-label="Close channel list" tabIndex={-1} onClick={() => setMenuOpen(false)} />
      <main id="main" class="main">
        {route.view === 'home' && <div class="splash">Loading…</div>}
        {route.view === 'apps' && <AppsPage onMenu={() => setMenuOpen(true)} />}
        {route.view === 'channel' && <ChannelView channelId={route.channelId} onMenu={() => setMenuOpen(true)} />}
      </main>
      {route.view === 'channel' && route.rootId && <ThreadPanel channelId={route.channelId} rootId={route.rootId} />}
      <Dialogs open={dialog} onClose={() => setDialog(undefined)} />
      {state.notice && (
        <div class="toast" role="alert">
          <span>{state.notice}</span>
          <button type="button" class="icon-button" aria-label="Dismiss notice" onClick={() => chat.notify(undefined)}>
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
      {state.live === 'offline' && (
        <div class="connection-banner" role="status">
          Reconnecting…
        </div>
      )}
    </div>
  );
}
