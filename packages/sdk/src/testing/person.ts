import type { Message } from '@switchboard/protocol';
import WebSocket from 'ws';

/** A message one demo person saw on `/v1/realtime`, and who saw it. */
export interface SeenMessage {
  message: Message;
  /** Workspace user ids whose socket carried it (an ephemeral reaches only its recipients). */
  seenBy: Set<string>;
}

/** The answer to a post: a stored message (201) or a slash command's outcome (202). */
export interface PostResult {
  status: number;
  /** The stored message, for a plain post. */
  message?: Message;
  /** `acked`, `nacked`, `offline` or `unknown`, for a slash command. */
  outcome?: string;
  triggerId?: string;
}

/** Collects realtime messages from every person's socket into one timeline. */
export class MessageLog {
  readonly seen: SeenMessage[] = [];
  private readonly byId = new Map<string, SeenMessage>();
  private waiters = new Set<() => void>();

  record(message: Message, seenBy: string): void {
    // Edits arrive with the same id: the newest text wins, the position stays.
    const key = `${message.id}:${message.ephemeral ? 'e' : 'm'}`;
    const existing = this.byId.get(key);
    if (existing) {
      existing.message = message;
      existing.seenBy.add(seenBy);
    } else {
      const entry = { message, seenBy: new Set([seenBy]) };
      this.byId.set(key, entry);
      this.seen.push(entry);
    }
    for (const wake of this.waiters) wake();
  }

  /** Resolves at the next recorded message or after `ms`, whichever comes first. */
  changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }
}

interface Session {
  token: string;
  workspaceId: string;
  workspaceUserId: string;
  /** The browser session cookie (`name=value`), for pages such as the consent screen. */
  cookie: string;
}

const decodeEntities = (value: string) =>
  value.replace(/&(quot|#39|lt|gt|amp);/g, (_, name: string) => ({ quot: '"', '#39': "'", lt: '<', gt: '>', amp: '&' })[name] as string);

/**
 * A demo person signed in to the platform: posts as them and watches their realtime socket.
 * Get one with `t.as('alice')`.
 */
export class Person {
  private socket: WebSocket | undefined;
  private channelIds = new Map<string, string>();

  private constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly session: Session,
  ) {}

  /** Signs in over HTTP and opens the person's realtime socket. @example await Person.signIn(url, 'alice', 'alice@example.com', pw, log) */
  static async signIn(baseUrl: string, name: string, email: string, password: string, log: MessageLog): Promise<Person> {
    const response = await fetch(`${baseUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`Test kit: ${email} could not sign in (${response.status}): ${await response.text()}`);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    const person = new Person(name, baseUrl, { ...((await response.json()) as Omit<Session, 'cookie'>), cookie });
    await person.listen(log);
    return person;
  }

  /** The person's workspace user id. */
  get userId(): string {
    return this.session.workspaceUserId;
  }

  get workspaceId(): string {
    return this.session.workspaceId;
  }

  /** The person's session token (`Authtoken`), for calls the kit has no helper for. */
  get token(): string {
    return this.session.token;
  }

  /**
   * Posts in a channel (`#name` or an id) as this person; `/command …` runs a slash command.
   * @example const { outcome } = await t.as('alice').post('#general', '/echo hi'); // 'acked'
   */
  async post(channel: string, text: string): Promise<PostResult> {
    const channelId = await this.channelId(channel);
    const { status, body } = await this.call('POST', `/v1/channels/${channelId}/messages`, { text });
    if (status === 202) {
      const { outcome, triggerId } = body as { outcome?: string; triggerId?: string };
      return { status, outcome, triggerId };
    }
    return { status, message: body as Message };
  }

  /** Adds people (or a bot) to a channel as this person. @example await t.as('alice').addMembers('#general', [t.bot]) */
  async addMembers(channel: string, userIds: readonly string[]): Promise<void> {
    await this.call('POST', `/v1/channels/${await this.channelId(channel)}/users`, { userIds });
  }

  /** Resolves `#general` (or an id) to a channel id the person can see. @example await alice.channelId('#general') */
  async channelId(channel: string): Promise<string> {
    if (!channel.startsWith('#')) return channel;
    const name = channel.slice(1);
    const cached = this.channelIds.get(name);
    if (cached) return cached;
    const { body } = await this.call('GET', '/v1/channels');
    for (const entry of body as { channel: { id: string; name: string } }[]) this.channelIds.set(entry.channel.name, entry.channel.id);
    const id = this.channelIds.get(name);
    if (!id) throw new Error(`Test kit: ${this.name} sees no channel ${channel}.`);
    return id;
  }

  /** A JSON call to the person API; throws with the platform's error code on a non-2xx. @example await alice.call('GET', '/v1/channels') */
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authtoken: this.session.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Test kit: ${method} ${path} as ${this.name} failed with ${response.status}: ${text}`);
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  /**
   * Answers a consent screen the way a person does in the browser (session cookie, CSRF token,
   * the preselected workspace) and returns where the platform redirects: the app's redirect URL
   * with `code` and `state`, or `error=access_denied` on cancel. Follows `/oauth/authorize`
   * to the consent page first. The URL must be on this person's platform.
   * @example const back = await t.as('alice').consent(app.installUrl()); await fetch(back);
   */
  async consent(url: string, decision: 'allow' | 'cancel' = 'allow'): Promise<string> {
    let pageUrl = new URL(url, this.baseUrl);
    let page = await fetch(pageUrl, { headers: { cookie: this.session.cookie }, redirect: 'manual' });
    for (let hops = 0; page.status >= 300 && page.status < 400 && hops < 3; hops++) {
      pageUrl = new URL(page.headers.get('location') ?? '', pageUrl);
      page = await fetch(pageUrl, { headers: { cookie: this.session.cookie }, redirect: 'manual' });
    }
    const html = await page.text();
    const action = /<form method="post" action="([^"]+)"[^>]*>/.exec(html)?.[1];
    if (page.status !== 200 || !action) throw new Error(`Test kit: ${pageUrl} is not a consent page (${page.status}): ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.set(name, decodeEntities(value));
    fields.set('workspaceId', decodeEntities(/<option value="([^"]+)" selected>/.exec(html)?.[1] ?? this.session.workspaceId));
    fields.set('decision', decision);
    const answer = await fetch(new URL(decodeEntities(action), pageUrl), {
      method: 'POST',
      headers: { cookie: this.session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
      redirect: 'manual',
    });
    const location = answer.headers.get('location');
    if (answer.status !== 302 || !location)
      throw new Error(`Test kit: consent by ${this.name} failed with ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
    return location;
  }

  /** Closes the realtime socket. */
  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private listen(log: MessageLog): Promise<void> {
    const socket = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/v1/realtime`, { headers: { authtoken: this.session.token } });
    this.socket = socket;
    socket.on('message', (data) => {
      let frame: { type?: string; data?: { message?: Message } };
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      const message = frame.data?.message;
      if (!message) return;
      if (frame.type === 'message.created' || frame.type === 'message.updated' || frame.type === 'message.ephemeral') {
        log.record(message, this.session.workspaceUserId);
      }
    });
    // Resolve on the server's hello: from then on, nothing the person may see is missed.
    return new Promise((resolve, reject) => {
      socket.once('message', () => resolve());
      socket.once('error', reject);
    });
  }
}
