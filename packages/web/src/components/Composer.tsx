import { useMemo, useRef, useState } from 'preact/hooks';
import type { SlashCommand } from '../api/types.js';
import { chat } from '../state/chat-store.js';
import { matchCommands } from '../state/command-match.js';

interface Props {
  channelId: string;
  rootId?: string;
  placeholder: string;
  commands: SlashCommand[];
  /** Distinguishes the channel's composer from the thread's (ids must be unique on the page). */
  idPrefix: string;
}

/**
 * The multi-line composer: Enter sends, Shift+Enter breaks the line. Typing `/` opens the
 * autocomplete of the workspace's slash commands (arrows/Tab/Enter or the mouse pick one).
 */
export function Composer({ channelId, rootId, placeholder, commands, idPrefix }: Props) {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState(false);
  const [sending, setSending] = useState(false);
  /** The command being run: the platform waits up to 3 s for the app, so say what is happening. */
  const [running, setRunning] = useState<string>();
  const input = useRef<HTMLTextAreaElement>(null);
  const matches = useMemo(() => (closed ? [] : matchCommands(commands, text)), [commands, text, closed]);
  const open = matches.length > 0;
  const listId = `${idPrefix}-commands`;

  const pick = (command: SlashCommand) => {
    setText(`${command.command} `);
    setClosed(true);
    input.current?.focus();
  };

  const send = async () => {
    const value = text.trim();
    if (!value || sending) return;
    setSending(true);
    if (value.startsWith('/')) setRunning(value.split(/\s/)[0]);
    try {
      await chat.send(channelId, value, rootId);
      setText('');
      setClosed(false);
    } catch (error) {
      chat.notify(error instanceof Error ? error.message : String(error));
    } finally {
      setSending(false);
      setRunning(undefined);
      input.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((active + step + matches.length) % matches.length);
      return;
    }
    if (open && (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey))) {
      event.preventDefault();
      pick(matches[Math.min(active, matches.length - 1)]);
      return;
    }
    if (open && event.key === 'Escape') {
      event.preventDefault();
      setClosed(true);
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      {open && (
        <div class="command-menu" id={listId} role="listbox" aria-label="Slash commands">
          {matches.map((c, i) => (
            <div
              key={`${c.appId}${c.command}`}
              tabIndex={-1}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span class="command-name">
                {c.command}
                {c.usageHint && <span class="command-hint"> {c.usageHint}</span>}
              </span>
              <span class="command-description">{c.description}</span>
              <span class="command-app">{c.appName}</span>
            </div>
          ))}
        </div>
      )}
      {running && (
        <p class="composer-status" role="status">
          Running {running}…
        </p>
      )}
      <label class="visually-hidden" for={`${idPrefix}-input`}>
        {placeholder}
      </label>
      <textarea
        ref={input}
        id={`${idPrefix}-input`}
        class="composer-input"
        rows={Math.min(8, Math.max(1, text.split('\n').length))}
        placeholder={placeholder}
        value={text}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${Math.min(active, matches.length - 1)}` : undefined}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setActive(0);
          setClosed(false);
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" class="button primary send-button" disabled={!text.trim() || sending} aria-label="Send message">
        Send
      </button>
    </form>
  );
}
