import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type CredentialsStore, normalizeTokenResponse, type OAuth2AccessTokenResponse } from './credentials-store.js';

interface WorkspaceCredentials {
  bot?: { token: string; userId: string };
  users: Map<string, string>;
}
type State = Map<string, WorkspaceCredentials>;

/** On-disk shape; `version` lets a later SDK migrate the file instead of misreading it. */
interface FileShape {
  version: 1;
  workspaces: Record<string, { bot?: { token: string; userId: string }; users: Record<string, string> }>;
}

function fromFile(text: string, path: string): State {
  let parsed: FileShape;
  try {
    parsed = JSON.parse(text) as FileShape;
  } catch (error) {
    // Never silently start empty: the next write would wipe every installation.
    throw new Error(`JsonFileTokenStore: ${path} is not valid JSON (${String(error)}); fix or remove it.`);
  }
  if (parsed?.version !== 1 || typeof parsed.workspaces !== 'object' || parsed.workspaces === null) {
    throw new Error(`JsonFileTokenStore: ${path} is not a credentials file of this SDK.`);
  }
  // Maps in memory: ids come from the network, and a plain object would treat "__proto__" specially.
  const state: State = new Map();
  for (const [workspaceId, entry] of Object.entries(parsed.workspaces)) {
    state.set(workspaceId, { bot: entry.bot, users: new Map(Object.entries(entry.users ?? {})) });
  }
  return state;
}

function toFile(state: State): string {
  const workspaces = Object.fromEntries(
    [...state].map(([workspaceId, entry]) => [workspaceId, { ...(entry.bot ? { bot: entry.bot } : {}), users: Object.fromEntries(entry.users) }]),
  );
  const shape: FileShape = { version: 1, workspaces };
  return `${JSON.stringify(shape, null, 2)}\n`;
}

/**
 * Keeps credentials in one JSON file: fine for a single-process app and for development.
 * Every change is written to a temporary file (mode 0600: these are bearer secrets) and renamed
 * over the old one, so a crash leaves either the old or the new file, never half of one.
 * Changes are serialised through one promise chain, so concurrent `saveTokens` calls in one
 * process never lose each other's writes. Not for several processes sharing one file.
 * @example
 * const store = new JsonFileTokenStore('./tokens.json');
 * await store.initialize();
 * await store.saveTokens({ accessToken, userId, workspaceId, botToken, botId });
 */
export class JsonFileTokenStore implements CredentialsStore {
  private state: State | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {
    if (!path) throw new TypeError('JsonFileTokenStore needs a file path.');
  }

  async initialize(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    try {
      this.state = fromFile(await readFile(this.path, 'utf8'), this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.state = new Map();
    }
  }

  async getBotToken(workspaceId: string): Promise<string | undefined> {
    return this.ready().get(workspaceId)?.bot?.token;
  }

  async getBotUserId(workspaceId: string): Promise<string | undefined> {
    return this.ready().get(workspaceId)?.bot?.userId;
  }

  async getUserToken(workspaceId: string, workspaceUserId: string): Promise<string | undefined> {
    return this.ready().get(workspaceId)?.users.get(workspaceUserId);
  }

  async saveTokens(accessTokenResponse: OAuth2AccessTokenResponse): Promise<void> {
    const tokens = normalizeTokenResponse(accessTokenResponse);
    return this.change((state) => {
      const entry: WorkspaceCredentials = state.get(tokens.workspaceId) ?? { users: new Map() };
      entry.users.set(tokens.userId, tokens.accessToken);
      if (tokens.bot) entry.bot = tokens.bot;
      state.set(tokens.workspaceId, entry);
    });
  }

  async deleteWorkspace(workspaceId: string): Promise<void> {
    return this.change((state) => {
      state.delete(workspaceId);
    });
  }

  async deleteUser(workspaceId: string, workspaceUserId: string): Promise<void> {
    return this.change((state) => {
      state.get(workspaceId)?.users.delete(workspaceUserId);
    });
  }

  private ready(): State {
    if (!this.state) throw new Error('JsonFileTokenStore: call initialize() first.');
    return this.state;
  }

  /**
   * Applies a change to a copy, writes the copy, and only then makes it current: readers never
   * see a state that is not on disk, and a failed write leaves memory and file in agreement.
   */
  private change(apply: (state: State) => void): Promise<void> {
    this.ready();
    const run = async () => {
      const next = structuredClone(this.ready());
      apply(next);
      await this.write(toFile(next));
      this.state = next;
    };
    const result = this.queue.then(run);
    // One failed write must not block every later one.
    this.queue = result.catch(() => {});
    return result;
  }

  private async write(text: string): Promise<void> {
    const temp = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(text, 'utf8');
        // fsync before rename, or a power loss can leave the renamed file empty.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }
}
