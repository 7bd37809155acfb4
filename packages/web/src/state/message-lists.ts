import type { ChatMessage, Reaction } from '../api/types.js';

/** A window of one channel's (or thread's) history, oldest first. */
export interface MessageWindow {
  messages: ChatMessage[];
  hasMoreBefore: boolean;
  loadingOlder: boolean;
  loaded: boolean;
}

export const emptyWindow = (): MessageWindow => ({ messages: [], hasMoreBefore: false, loadingOlder: false, loaded: false });

const byTime = (a: ChatMessage, b: ChatMessage) => a.timestampMilli - b.timestampMilli || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Adds or replaces messages by id and keeps time order: a message seen twice (live and in a catch-up page) shows once. */
export function mergeMessages(current: readonly ChatMessage[], incoming: readonly ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current as ChatMessage[];
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort(byTime);
}

export function updateMessage(list: readonly ChatMessage[], id: string, change: (m: ChatMessage) => ChatMessage): ChatMessage[] {
  const index = list.findIndex((m) => m.id === id);
  if (index === -1) return list as ChatMessage[];
  const copy = list.slice();
  copy[index] = change(copy[index]);
  return copy;
}

export function withReaction(m: ChatMessage, reaction: Reaction, add: boolean): ChatMessage {
  const others = m.reactions.filter((r) => !(r.user === reaction.user && r.code === reaction.code));
  return { ...m, reactions: add ? [...others, reaction] : others };
}

/** Reactions grouped by code for display, in first-seen order. */
export function groupReactions(reactions: readonly Reaction[], me: string): { code: string; count: number; mine: boolean; users: string[] }[] {
  const groups = new Map<string, { code: string; count: number; mine: boolean; users: string[] }>();
  for (const r of reactions) {
    const g = groups.get(r.code) ?? { code: r.code, count: 0, mine: false, users: [] };
    g.count += 1;
    g.mine ||= r.user === me;
    g.users.push(r.user);
    groups.set(r.code, g);
  }
  return [...groups.values()];
}
