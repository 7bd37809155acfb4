import { Component } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { avatarOf, type ChatMessage, type WorkspaceUser } from '../api/types.js';
import { emojiOf, QUICK_REACTIONS, withEmoji } from '../format/emoji.js';
import { RichText } from '../format/rich-text.js';
import { timeOf } from '../format/time.js';
import { chat } from '../state/chat-store.js';
import { groupReactions } from '../state/message-lists.js';
import { Avatar } from './Avatar.js';
import { Icon } from './Icon.js';
import { ProfileCard } from './ProfileCard.js';

interface Props {
  message: ChatMessage;
  users: Map<string, WorkspaceUser>;
  me: string;
  /** Hidden in the thread panel (a reply has no thread of its own). */
  onOpenThread?: (message: ChatMessage) => void;
  /** Same author within a few minutes: no repeated name and avatar. */
  compact?: boolean;
}

const isBot = (user: WorkspaceUser | undefined) => user?.isAddonBot === true || user?.role === 'bot';

function authorOf(message: ChatMessage, users: Map<string, WorkspaceUser>) {
  const user = users.get(message.author);
  if (user) return { id: user.id, name: user.name, avatar: avatarOf(user), bot: isBot(user), title: user.title || null, email: user.email };
  if (message.author === 'system' || message.author === '') return { id: 'system', name: 'Switchboard', avatar: null, bot: true, title: null };
  return { id: message.author, name: 'Unknown', avatar: null, bot: false, title: null };
}

/** One message: author (bots marked, with their title), text, reactions, and the author's actions. */
function MessageItemView({ message, users, me, onOpenThread, compact }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [picking, setPicking] = useState(false);
  const [profileOpen, setProfileOpen] = useState(false);
  const closeProfile = useCallback(() => setProfileOpen(false), []);
  const author = authorOf(message, users);
  const mine = message.author === me && !message.ephemeral;
  const fail = (error: unknown) => chat.notify(error instanceof Error ? error.message : String(error));

  const saveEdit = () => {
    const text = draft.trim();
    if (!text) return;
    chat
      .edit(message, text)
      .then(() => setEditing(false))
      .catch(fail);
  };
  const react = (code: string) => {
    setPicking(false);
    chat.toggleReaction(message, code).catch(fail);
  };

  return (
    <article
      class={`message${compact ? ' compact' : ''}${message.ephemeral ? ' ephemeral' : ''}`}
      data-message-id={message.id}
      aria-label={`${author.name}${author.bot ? ' (bot)' : ''}, ${timeOf(message.timestampMilli)}`}
    >
      <div class="message-gutter">
        {compact ? (
          <span class="message-time-hover">{timeOf(message.timestampMilli)}</span>
        ) : (
          <Avatar id={message.author} name={author.name} url={author.avatar} />
        )}
      </div>
      <div class="message-main">
        {!compact && (
          <header class="message-header">
            <button type="button" class="message-author" aria-expanded={profileOpen} onClick={() => setProfileOpen(!profileOpen)}>
              {author.name}
            </button>
            {profileOpen && <ProfileCard profile={author} onClose={closeProfile} />}
            {author.bot && <span class="badge bot-badge">BOT</span>}
            {author.bot && author.title && <span class="bot-title">{author.title}</span>}
            <time class="message-time" dateTime={new Date(message.timestampMilli).toISOString()}>
              {timeOf(message.timestampMilli)}
            </time>
          </header>
        )}
        {editing ? (
          <div class="message-edit">
            <label class="visually-hidden" for={`edit-${message.id}`}>
              Edit message
            </label>
            <textarea
              id={`edit-${message.id}`}
              value={draft}
              rows={Math.min(8, draft.split('\n').length + 1)}
              onInput={(e) => setDraft(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  saveEdit();
                }
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setEditing(false);
                }
              }}
            />
            <div class="row-actions">
              <button type="button" class="button small" onClick={() => setEditing(false)}>
                Cancel
              </button>
              <button type="button" class="button small primary" onClick={saveEdit}>
                Save
              </button>
            </div>
          </div>
        ) : (
          <div class="message-text">
            <RichText text={withEmoji(message.text)} />
            {!message.text.trim() && message.hasRichContent && <span class="muted small">This message has content this page cannot show yet.</span>}
            {message.edited && <span class="muted small"> (edited)</span>}
          </div>
        )}
        {message.ephemeral && (
          <div class="ephemeral-note">
            <span>Only visible to you</span>
            <button type="button" class="link-button" onClick={() => chat.dismissEphemeral(message.id)}>
              Dismiss
            </button>
          </div>
        )}
        {message.reactions.length > 0 && (
          <ul class="reactions" aria-label="Reactions">
            {groupReactions(message.reactions, me).map((g) => (
              <li key={g.code}>
                <button
                  type="button"
                  class={`reaction${g.mine ? ' mine' : ''}`}
                  aria-pressed={g.mine}
                  title={g.users.map((u) => users.get(u)?.name ?? 'Someone').join(', ')}
                  aria-label={`${g.code} ${g.count}${g.mine ? ', including you' : ''}`}
                  onClick={() => react(g.code)}
                >
                  <span aria-hidden="true">{emojiOf(g.code)}</span> {g.count}
                </button>
              </li>
            ))}
          </ul>
        )}
        {onOpenThread && message.repliesCount > 0 && (
          <button type="button" class="thread-link" onClick={() => onOpenThread(message)}>
            {message.repliesCount} {message.repliesCount === 1 ? 'reply' : 'replies'}
          </button>
        )}
        {confirming && (
          <div class="confirm" role="alert">
            Delete this message?
            <button type="button" class="button small danger" onClick={() => chat.remove(message).catch(fail)}>
              Delete
            </button>
            <button type="button" class="button small" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        )}
      </div>
      {!message.ephemeral && !editing && (
        <div class="message-actions" role="toolbar" aria-label="Message actions">
          <button type="button" class="icon-button" aria-label="Add reaction" aria-expanded={picking} onClick={() => setPicking(!picking)}>
            <Icon name="smile" />
          </button>
          {onOpenThread && (
            <button type="button" class="icon-button" aria-label="Reply in thread" onClick={() => onOpenThread(message)}>
              <Icon name="reply" />
            </button>
          )}
          {mine && (
            <button
              type="button"
              class="icon-button"
              aria-label="Edit message"
              onClick={() => {
                setDraft(message.text);
                setEditing(true);
              }}
            >
              <Icon name="edit" />
            </button>
          )}
          {mine && (
            <button type="button" class="icon-button" aria-label="Delete message" onClick={() => setConfirming(true)}>
              <Icon name="trash" />
            </button>
          )}
          {picking && (
            <fieldset class="reaction-picker">
              <legend class="visually-hidden">Pick a reaction</legend>
              {QUICK_REACTIONS.map((code) => (
                <button key={code} type="button" class="icon-button" aria-label={`React with ${code}`} onClick={() => react(code)}>
                  {emojiOf(code)}
                </button>
              ))}
            </fieldset>
          )}
        </div>
      )}
    </article>
  );
}

/** Re-rendered only when its own props change: a new message does not redraw the whole history. */
export class MessageItem extends Component<Props> {
  override shouldComponentUpdate(next: Props): boolean {
    const now = this.props;
    return (
      next.message !== now.message || next.users !== now.users || next.me !== now.me || next.onOpenThread !== now.onOpenThread || next.compact !== now.compact
    );
  }

  override render() {
    return <MessageItemView {...this.props} />;
  }
}
