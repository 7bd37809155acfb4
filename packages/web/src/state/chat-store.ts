import { api } from '../api/http.js';
import { LiveConnection, type LiveFrame, type LiveStatus } from '../api/live-connection.js';
import { type ChannelInfo, type ChatMessage, normalizeMessage, pageOf, type SlashCommand, type WorkspaceUser } from '../api/types.js';
import { emptyWindow, type MessageWindow, mergeMessages, updateMessage, withReaction } from './message-lists.js';

export interface ChatState {
  me: WorkspaceUser | undefined;
  workspaceName: string;
  users: Map<string, WorkspaceUser>;
  channels: ChannelInfo[];
  unread: Record<string, number>;
  /** History windows by channel id, and thread replies by `t:<rootId>`. */
  windows: Record<string, MessageWindow>;
  /** Ephemeral messages for this person (never stored: gone on reload). */
  ephemerals: ChatMessage[];
  commands: SlashCommand[];
  live: LiveStatus;
  activeChannelId: string | undefined;
  notice: string | undefined;
}

const PAGE = 50;
const threadKey = (rootId: string) => `t:${rootId}`;

/** The page's state and everything that changes it: API calls, live frames, catch-up after a drop. */
export class ChatStore {
  state: ChatState = {
    me: undefined,
    workspaceName: '',
    users: new Map(),
    channels: [],
    unread: {},
    windows: {},
    ephemerals: [],
    commands: [],
    live: 'connecting',
    activeChannelId: undefined,
    notice: undefined,
  };
  private readonly listeners = new Set<() => void>();
  readonly live = new LiveConnection({
    frame: (frame) => this.onFrame(frame),
    open: (resumed) => (resumed ? void this.catchUp() : undefined),
    status: (live) => this.set({ live }),
    ended: () => location.assign('/login'),
  });

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private setWindow(key: string, change: (w: MessageWindow) => MessageWindow): void {
    const current = this.state.windows[key];
    if (!current) return;
    this.set({ windows: { ...this.state.windows, [key]: change(current) } });
  }

  /** Everything the page needs, all at once: the first channel renders without waiting for the rest. */
  async init(): Promise<void> {
    this.live.start();
    const people = Promise.all([
      api<WorkspaceUser>('GET', '/v1/users/me'),
      api<{ name: string }>('GET', '/v1/workspace'),
      api<WorkspaceUser[]>('GET', '/v1/workspaceUsers'),
    ]).then(([me, workspace, users]) => this.set({ me, workspaceName: workspace.name, users: new Map(users.map((u) => [u.id, u])) }));
    await Promise.all([people, this.refreshChannels(), this.refreshCommands()]);
  }

  async refreshChannels(): Promise<void> {
    const { channels, unread } = await api<{ channels: ChannelInfo[]; unread: { channelId: string; unread: number }[] }>('GET', '/v1/web/sidebar');
    const counts: Record<string, number> = {};
    for (const c of unread) if (c.channelId !== this.state.activeChannelId) counts[c.channelId] = c.unread;
    this.set({ channels, unread: counts });
  }

  async refreshUsers(): Promise<void> {
    const users = await api<WorkspaceUser[]>('GET', '/v1/workspaceUsers');
    this.set({ users: new Map(users.map((u) => [u.id, u])) });
  }

  async refreshCommands(): Promise<void> {
    this.set({ commands: await api<SlashCommand[]>('GET', '/v1/web/commands') });
  }

  notify(notice: string | undefined): void {
    this.set({ notice });
  }

  /** Shows a channel: its latest page (once), and marks it read. */
  async openChannel(channelId: string): Promise<void> {
    const { [channelId]: _read, ...unread } = this.state.unread;
    this.set({ activeChannelId: channelId, unread });
    if (!this.state.windows[channelId]?.loaded) {
      const page = pageOf(await api<unknown>('GET', `/v1/channels/${encodeURIComponent(channelId)}/messages?limit=${PAGE}`), PAGE);
      const messages = page.messages;
      const current = this.state.windows[channelId] ?? emptyWindow();
      this.set({
        windows: {
          ...this.state.windows,
          [channelId]: { ...current, messages: mergeMessages(current.messages, messages), hasMoreBefore: page.hasMoreBefore, loaded: true },
        },
      });
    }
    this.markRead(channelId);
  }

  async openThread(channelId: string, rootId: string): Promise<void> {
    const key = threadKey(rootId);
    if (this.state.windows[key]?.loaded) return;
    this.set({ windows: { ...this.state.windows, [key]: emptyWindow() } });
    const [root, page] = await Promise.all([
      api<unknown>('GET', `/v1/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(rootId)}`),
      api<unknown>('GET', `/v1/channels/${encodeURIComponent(channelId)}/messages/${encodeURIComponent(rootId)}/replies?limit=200`),
    ]);
    const rootMessage = normalizeMessage(root);
    const replies = pageOf(page, 200);
    this.setWindow(key, (w) => ({
      ...w,
      messages: mergeMessages(w.messages, replies.messages),
      hasMoreBefore: replies.hasMoreBefore,
      loaded: true,
    }));
    // A root opened from a link may not be in the loaded channel window.
    if (!this.state.windows[channelId]?.messages.some((m) => m.id === rootId)) this.threadRoots.set(rootId, rootMessage);
  }

  /** Roots of threads opened outside the loaded channel window. */
  readonly threadRoots = new Map<string, ChatMessage>();

  rootOf(channelId: string, rootId: string): ChatMessage | undefined {
    return this.state.windows[channelId]?.messages.find((m) => m.id === rootId) ?? this.threadRoots.get(rootId);
  }

  /** One older page of a channel's history (the list asks when its top comes into view). */
  async loadOlder(channelId: string): Promise<void> {
    const w = this.state.windows[channelId];
    if (!w?.hasMoreBefore || w.loadingOlder || w.messages.length === 0) return;
    this.setWindow(channelId, (x) => ({ ...x, loadingOlder: true }));
    try {
      const cursor = encodeURIComponent(w.messages[0].id);
      const page = pageOf(
        await api<unknown>('GET', `/v1/channels/${encodeURIComponent(channelId)}/messages?limit=${PAGE}&cursor=${cursor}&strategy=BEFORE`),
        PAGE,
      );
      this.setWindow(channelId, (x) => ({
        ...x,
        messages: mergeMessages(x.messages, page.messages),
        hasMoreBefore: page.hasMoreBefore,
        loadingOlder: false,
      }));
    } catch (error) {
      this.setWindow(channelId, (x) => ({ ...x, loadingOlder: false }));
      throw error;
    }
  }

  /** Posts text (a slash command is run by the platform instead; its answer comes as an ephemeral). */
  async send(channelId: string, text: string, rootId?: string): Promise<void> {
    const path = `/v1/channels/${encodeURIComponent(channelId)}/messages${rootId ? `/${encodeURIComponent(rootId)}` : ''}`;
    const result = await api<unknown>('POST', path, { text });
    const posted = result as { id?: unknown; outcome?: unknown };
    if (typeof posted.id === 'string' && posted.outcome === undefined) this.addMessage(normalizeMessage(result));
  }

  async edit(message: ChatMessage, text: string): Promise<void> {
    const updated = await api<unknown>('PUT', `/v1/channels/${encodeURIComponent(message.channelId)}/messages/${encodeURIComponent(message.id)}`, { text });
    this.replaceMessage(normalizeMessage(updated));
  }

  async remove(message: ChatMessage): Promise<void> {
    await api('DELETE', `/v1/channels/${encodeURIComponent(message.channelId)}/messages/${encodeURIComponent(message.id)}`);
    this.removeMessage(message.id, message.channelId, message.rootId);
  }

  async toggleReaction(message: ChatMessage, code: string): Promise<void> {
    const me = this.state.me?.id ?? '';
    const mine = message.reactions.some((r) => r.user === me && r.code === code);
    await api(mine ? 'DELETE' : 'POST', `/v1/messages/${encodeURIComponent(message.id)}/reactions`, { code });
    this.applyReaction(message.id, me, code, !mine);
  }

  async join(channelId: string): Promise<void> {
    await api('POST', `/v1/channels/${encodeURIComponent(channelId)}/join`);
    await this.refreshChannels();
  }

  async leave(channelId: string): Promise<void> {
    await api('POST', `/v1/channels/${encodeURIComponent(channelId)}/leave`);
    const { [channelId]: _gone, ...windows } = this.state.windows;
    this.set({ windows, activeChannelId: undefined });
    await this.refreshChannels();
  }

  async createChannel(input: { name: string; type: 'PUBLIC' | 'PRIVATE'; description?: string }): Promise<string> {
    const created = await api<ChannelInfo>('POST', '/v1/channels', input);
    await this.refreshChannels();
    return created.channel.id;
  }

  /** The direct message with one person (created on first use). */
  async openDirect(userId: string): Promise<string> {
    const info = await api<ChannelInfo>('POST', '/v1/channels/direct', { participantIds: [userId] });
    await this.refreshChannels();
    return info.channel.id;
  }

  async signOut(): Promise<void> {
    this.live.stop();
    await api('POST', '/v1/auth/logout').catch(() => {});
    location.assign('/login');
  }

  dismissEphemeral(id: string): void {
    this.set({ ephemerals: this.state.ephemerals.filter((m) => m.id !== id) });
  }

  private readTimer: ReturnType<typeof setTimeout> | undefined;

  /** Tells the server how far this channel is read (debounced: a burst of messages is one call). */
  markRead(channelId: string): void {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => {
      const latest = this.state.windows[channelId]?.messages.at(-1)?.timestampMilli ?? Date.now();
      api('PUT', `/v1/web/channels/${encodeURIComponent(channelId)}/read`, { timestampMilli: Math.max(latest, Date.now() - 1000) }).catch(() => {});
    }, 300);
  }

  private addMessage(m: ChatMessage): void {
    if (m.rootId) {
      const key = threadKey(m.rootId);
      const known = this.state.windows[key]?.messages.some((x) => x.id === m.id);
      this.setWindow(key, (w) => ({ ...w, messages: mergeMessages(w.messages, [m]) }));
      if (!known)
        this.setWindow(m.channelId, (w) => ({
          ...w,
          messages: updateMessage(w.messages, m.rootId as string, (r) => ({ ...r, repliesCount: r.repliesCount + 1 })),
        }));
      return;
    }
    this.setWindow(m.channelId, (w) => ({ ...w, messages: mergeMessages(w.messages, [m]) }));
  }

  private replaceMessage(m: ChatMessage): void {
    const key = m.rootId ? threadKey(m.rootId) : m.channelId;
    this.setWindow(key, (w) => ({ ...w, messages: updateMessage(w.messages, m.id, () => m) }));
  }

  private removeMessage(id: string, channelId: string, rootId: string | undefined): void {
    const key = rootId ? threadKey(rootId) : channelId;
    const had = this.state.windows[key]?.messages.some((m) => m.id === id);
    this.setWindow(key, (w) => ({ ...w, messages: w.messages.filter((m) => m.id !== id) }));
    if (rootId && had)
      this.setWindow(channelId, (w) => ({
        ...w,
        messages: updateMessage(w.messages, rootId, (r) => ({ ...r, repliesCount: Math.max(0, r.repliesCount - 1) })),
      }));
  }

  private applyReaction(messageId: string, user: string, code: string, add: boolean): void {
    const windows: Record<string, MessageWindow> = {};
    for (const [key, w] of Object.entries(this.state.windows)) {
      windows[key] = w.messages.some((m) => m.id === messageId)
        ? { ...w, messages: updateMessage(w.messages, messageId, (m) => withReaction(m, { user, code }, add)) }
        : w;
    }
    this.set({ windows });
  }

  private onFrame({ type, data }: LiveFrame): void {
    switch (type) {
      case 'message.created': {
        const m = normalizeMessage(data.message);
        this.addMessage(m);
        if (m.rootId || m.author === this.state.me?.id) return;
        if (!this.state.channels.some((c) => c.channel.id === m.channelId)) void this.refreshChannels();
        if (m.channelId === this.state.activeChannelId && document.visibilityState === 'visible') this.markRead(m.channelId);
        else this.set({ unread: { ...this.state.unread, [m.channelId]: (this.state.unread[m.channelId] ?? 0) + 1 } });
        return;
      }
      case 'message.updated':
        this.replaceMessage(normalizeMessage(data.message));
        return;
      case 'message.deleted': {
        const rootId = (data.rootId ?? data.threadRootId) as string | null | undefined;
        this.removeMessage(String(data.messageId), String(data.channelId), rootId ?? undefined);
        return;
      }
      case 'message.ephemeral': {
        const m = normalizeMessage(data.message);
        if (!this.state.ephemerals.some((e) => e.id === m.id)) this.set({ ephemerals: [...this.state.ephemerals, m] });
        return;
      }
      case 'message.ephemeral_deleted':
        this.dismissEphemeral(String(data.messageId ?? data.id));
        return;
      case 'reaction.added':
      case 'reaction.removed':
        this.applyReaction(String(data.messageId), String(data.userId ?? data.user), String(data.code), type === 'reaction.added');
        return;
      default:
        if (type.startsWith('channel.')) void this.refreshChannels();
        if (type === 'channel.member_joined') void this.refreshUsers();
    }
  }

  /**
   * After a drop: every loaded channel gets what was posted meanwhile (pages AFTER its newest
   * message) and its latest page again (edits, deletes, reactions); open threads reload.
   */
  private async catchUp(): Promise<void> {
    await this.refreshChannels().catch(() => {});
    for (const [key, w] of Object.entries(this.state.windows)) {
      if (!w.loaded) continue;
      if (key.startsWith('t:')) {
        const root =
          Object.values(this.state.windows)
            .flatMap((x) => x.messages)
            .find((m) => m.id === key.slice(2)) ?? this.threadRoots.get(key.slice(2));
        if (!root) continue;
        const path = `/v1/channels/${encodeURIComponent(root.channelId)}/messages/${encodeURIComponent(root.id)}/replies?limit=200`;
        const replies = pageOf(await api<unknown>('GET', path), 200).messages;
        this.setWindow(key, (x) => ({ ...x, messages: replies }));
        continue;
      }
      const base = `/v1/channels/${encodeURIComponent(key)}/messages`;
      let cursor = w.messages.at(-1)?.id;
      for (let more = cursor !== undefined; more && cursor; ) {
        const page = pageOf(await api<unknown>('GET', `${base}?limit=200&cursor=${encodeURIComponent(cursor)}&strategy=AFTER`), 200);
        const fresh = page.messages;
        this.setWindow(key, (x) => ({ ...x, messages: mergeMessages(x.messages, fresh) }));
        more = page.hasMoreAfter;
        cursor = fresh.at(-1)?.id;
      }
      const latestMessages = pageOf(await api<unknown>('GET', `${base}?limit=${PAGE}`), PAGE).messages;
      const oldest = latestMessages[0]?.timestampMilli ?? 0;
      // Within the latest page the server is the truth: a message deleted meanwhile disappears.
      this.setWindow(key, (x) => ({
        ...x,
        messages: mergeMessages(
          x.messages.filter((m) => m.timestampMilli < oldest),
          latestMessages,
        ),
      }));
    }
  }
}

export const chat = new ChatStore();
