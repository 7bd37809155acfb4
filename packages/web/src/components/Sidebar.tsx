import { avatarOf, type ChannelInfo } from '../api/types.js';
import { channelTitle, isDirect } from '../state/channel-names.js';
import { chat } from '../state/chat-store.js';
import { channelPath, onLinkClick } from '../state/router.js';
import { useChat } from '../state/use-chat.js';
import { Avatar } from './Avatar.js';
import { Icon } from './Icon.js';

export type DialogName = 'create' | 'browse' | 'direct';

interface Props {
  activeChannelId: string | undefined;
  appsActive: boolean;
  onDialog: (name: DialogName) => void;
  onNavigate: () => void;
}

function ChannelLink({
  info,
  active,
  unread,
  label,
  onNavigate,
}: {
  info: ChannelInfo;
  active: boolean;
  unread: number;
  label: string;
  onNavigate: () => void;
}) {
  const path = channelPath(info.channel.id);
  const direct = isDirect(info);
  return (
    <li>
      <a
        href={path}
        class={`nav-item${active ? ' active' : ''}${unread > 0 ? ' unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        onClick={(e) => {
          onLinkClick(e, path);
          onNavigate();
        }}
      >
        <span class="nav-icon" aria-hidden="true">
          {direct ? <span class="presence" /> : <Icon name={info.channel.channelType === 'PRIVATE' ? 'lock' : 'hash'} size={15} />}
        </span>
        <span class="nav-label">{label}</span>
        {unread > 0 && (
          <span class="unread-count">
            {unread > 99 ? '99+' : unread}
            <span class="visually-hidden"> unread</span>
          </span>
        )}
      </a>
    </li>
  );
}

/** Channels and direct messages with unread markers, the workspace menu and sign-out. */
export function Sidebar({ activeChannelId, appsActive, onDialog, onNavigate }: Props) {
  const state = useChat();
  const me = state.me?.id ?? '';
  const joined = state.channels.filter((c) => c.channel.isMember !== false && !c.channel.isArchived);
  const channels = joined.filter((c) => !isDirect(c)).sort((a, b) => (a.channel.name ?? '').localeCompare(b.channel.name ?? ''));
  const directs = joined.filter(isDirect);
  const link = (info: ChannelInfo) => (
    <ChannelLink
      key={info.channel.id}
      info={info}
      active={info.channel.id === activeChannelId}
      unread={state.unread[info.channel.id] ?? 0}
      label={channelTitle(info, state.users, me)}
      onNavigate={onNavigate}
    />
  );
  return (
    <nav class="sidebar" aria-label="Channels and direct messages">
      <div class="workspace">
        <span class="logo" aria-hidden="true">
          S
        </span>
        <span class="workspace-name">{state.workspaceName}</span>
        <span
          class={`live-dot ${state.live}`}
          role="status"
          aria-label={state.live === 'live' ? 'Connected' : state.live === 'offline' ? 'Reconnecting' : 'Connecting'}
        />
      </div>
      <div class="nav-section">
        <div class="nav-heading">
          <h2>Channels</h2>
          <button type="button" class="icon-button" aria-label="Create a channel" onClick={() => onDialog('create')}>
            <Icon name="plus" size={16} />
          </button>
        </div>
        <ul>{channels.map(link)}</ul>
        <button type="button" class="nav-action" onClick={() => onDialog('browse')}>
          Browse channels
        </button>
      </div>
      <div class="nav-section">
        <div class="nav-heading">
          <h2>Direct messages</h2>
          <button type="button" class="icon-button" aria-label="Start a direct message" onClick={() => onDialog('direct')}>
            <Icon name="plus" size={16} />
          </button>
        </div>
        {directs.length > 0 ? <ul>{directs.map(link)}</ul> : <p class="nav-empty">No direct messages yet</p>}
      </div>
      <div class="nav-section">
        <ul>
          <li>
            <a
              href="/apps"
              class={`nav-item${appsActive ? ' active' : ''}`}
              aria-current={appsActive ? 'page' : undefined}
              onClick={(e) => {
                onLinkClick(e, '/apps');
                onNavigate();
              }}
            >
              <span class="nav-icon" aria-hidden="true">
                <Icon name="gear" size={15} />
              </span>
              <span class="nav-label">Configure Apps</span>
            </a>
          </li>
        </ul>
      </div>
      {state.me && (
        <div class="me">
          <Avatar id={state.me.id} name={state.me.name} url={avatarOf(state.me)} size={28} />
          <span class="me-name">{state.me.name}</span>
          <button type="button" class="button small" onClick={() => void chat.signOut()}>
            Sign out
          </button>
        </div>
      )}
    </nav>
  );
}
