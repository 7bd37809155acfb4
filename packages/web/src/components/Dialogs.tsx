import { useEffect, useRef, useState } from 'preact/hooks';
import { avatarOf } from '../api/types.js';
import { chat } from '../state/chat-store.js';
import { channelPath, navigate } from '../state/router.js';
import { useChat } from '../state/use-chat.js';
import { Avatar } from './Avatar.js';
import { Icon } from './Icon.js';
import type { DialogName } from './Sidebar.js';

/** A modal <dialog>: focus stays inside, Escape closes it. */
function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: preact.ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} class="modal" aria-labelledby="modal-title" onClose={onClose}>
      <header class="modal-header">
        <h2 id="modal-title">{title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {children}
    </dialog>
  );
}

function CreateChannel({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [priv, setPriv] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const id = await chat.createChannel({
        name: name.trim(),
        type: priv ? 'PRIVATE' : 'PUBLIC',
        ...(description.trim() ? { description: description.trim() } : {}),
      });
      onClose();
      navigate(channelPath(id));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Modal title="Create a channel" onClose={onClose}>
      <form class="modal-body" onSubmit={submit}>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <label for="channel-name">Name</label>
        <input id="channel-name" value={name} required maxLength={80} placeholder="e.g. plans" onInput={(e) => setName(e.currentTarget.value)} />
        <label for="channel-description">Description (optional)</label>
        <input id="channel-description" value={description} maxLength={1000} onInput={(e) => setDescription(e.currentTarget.value)} />
        <label class="checkbox">
          <input type="checkbox" checked={priv} onChange={(e) => setPriv(e.currentTarget.checked)} /> Private: only invited people can see it
        </label>
        <div class="actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={!name.trim()}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

function BrowseChannels({ onClose }: { onClose: () => void }) {
  const state = useChat();
  const open = state.channels.filter((c) => c.channel.channelType === 'PUBLIC' && !c.channel.isArchived);
  return (
    <Modal title="Browse channels" onClose={onClose}>
      <ul class="modal-body pick-list">
        {open.map((c) => (
          <li key={c.channel.id}>
            <span>
              <strong>#{c.channel.name}</strong>
              {c.channel.description && <span class="muted"> — {c.channel.description}</span>}
            </span>
            {c.channel.isMember === false ? (
              <button
                type="button"
                class="button small primary"
                onClick={() =>
                  chat
                    .join(c.channel.id)
                    .then(() => {
                      onClose();
                      navigate(channelPath(c.channel.id));
                    })
                    .catch((e: Error) => chat.notify(e.message))
                }
              >
                Join
              </button>
            ) : (
              <span class="muted small">Joined</span>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function StartDirect({ onClose }: { onClose: () => void }) {
  const state = useChat();
  const [filter, setFilter] = useState('');
  const people = [...state.users.values()].filter(
    (u) => u.id !== state.me?.id && u.status === 'ACTIVE' && u.name.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  return (
    <Modal title="Start a direct message" onClose={onClose}>
      <div class="modal-body">
        <label for="dm-filter">Find a person</label>
        <input id="dm-filter" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} placeholder="Name" />
        <ul class="pick-list">
          {people.map((u) => (
            <li key={u.id}>
              <span class="person">
                <Avatar id={u.id} name={u.name} url={avatarOf(u)} size={28} />
                {u.name}
                {(u.isAddonBot || u.role === 'bot') && <span class="badge bot-badge">BOT</span>}
              </span>
              <button
                type="button"
                class="button small"
                onClick={() =>
                  chat
                    .openDirect(u.id)
                    .then((id) => {
                      onClose();
                      navigate(channelPath(id));
                    })
                    .catch((e: Error) => chat.notify(e.message))
                }
              >
                Message
              </button>
            </li>
          ))}
        </ul>
      </div>
    </Modal>
  );
}

export function Dialogs({ open, onClose }: { open: DialogName | undefined; onClose: () => void }) {
  if (open === 'create') return <CreateChannel onClose={onClose} />;
  if (open === 'browse') return <BrowseChannels onClose={onClose} />;
  if (open === 'direct') return <StartDirect onClose={onClose} />;
  return null;
}
