import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { ChatMessage, WorkspaceUser } from '../api/types.js';
import { dayOf } from '../format/time.js';
import { MessageItem } from './MessageItem.js';

interface Props {
  messages: ChatMessage[];
  users: Map<string, WorkspaceUser>;
  me: string;
  hasMoreBefore?: boolean;
  loadingOlder?: boolean;
  onLoadOlder?: () => void;
  onOpenThread?: (m: ChatMessage) => void;
  label: string;
}

const GROUP_MS = 5 * 60_000;

/**
 * A scrolling list that stays at the bottom as messages arrive (unless the person scrolled up)
 * and asks for older pages when its top comes into view, keeping what was on screen in place.
 */
export function MessageList({ messages: all, users, me, hasMoreBefore, loadingOlder, onLoadOlder, onOpenThread, label }: Props) {
  const messages = all.filter((m) => !m.deleted);
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const before = useRef<{ height: number; top: number; firstId: string | undefined }>({ height: 0, top: 0, firstId: undefined });

  // Runs before the DOM update is painted: remember the geometry to restore after older messages are prepended.
  const el = scroller.current;
  if (el) before.current = { height: el.scrollHeight, top: el.scrollTop, firstId: before.current.firstId };

  useLayoutEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const firstId = messages[0]?.id;
    if (stick.current) box.scrollTop = box.scrollHeight;
    else if (firstId !== before.current.firstId && before.current.firstId !== undefined)
      box.scrollTop = before.current.top + (box.scrollHeight - before.current.height);
    before.current.firstId = firstId;
  }, [messages]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target || !onLoadOlder) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && onLoadOlder(), {
      root: scroller.current,
      rootMargin: '400px 0px 0px 0px',
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [onLoadOlder, hasMoreBefore]);

  let lastDay = '';
  return (
    <div
      class="message-scroller"
      ref={scroller}
      onScroll={(e) => {
        const box = e.currentTarget;
        stick.current = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
      }}
    >
      {hasMoreBefore && (
        <div ref={sentinel} class="history-status" aria-live="polite">
          {loadingOlder ? 'Loading earlier messages…' : ''}
        </div>
      )}
      {!hasMoreBefore && onLoadOlder && (
        <p class="history-start">{messages.length > 0 ? 'This is the beginning of the conversation.' : 'No messages yet. Say hello!'}</p>
      )}
      <div role="log" aria-label={label} aria-live="polite" class="message-log">
        {messages.map((m, i) => {
          const day = dayOf(m.timestampMilli);
          const divider = day !== lastDay;
          lastDay = day;
          const prev = messages[i - 1];
          const compact =
            !divider && prev !== undefined && prev.author === m.author && !prev.ephemeral && !m.ephemeral && m.timestampMilli - prev.timestampMilli < GROUP_MS;
          return (
            <div key={m.id}>
              {divider && (
                <div class="day-divider">
                  <span>{day}</span>
                </div>
              )}
              <MessageItem message={m} users={users} me={me} onOpenThread={onOpenThread} compact={compact} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
