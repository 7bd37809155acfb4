import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';

/** Where one incoming-webhook key posts. */
export interface HookTarget {
  workspaceId: string;
  channelId: string;
  /** Who connected it, for the audit trail. */
  userId: string;
}

const digest = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Per-channel webhook keys in a JSON file. Only a SHA-256 of each key is stored, so the file
 * alone cannot post anywhere; the key itself is shown once, to the person who connected.
 * (The SDK's ServicesStore of seed 002 is not shipped yet; this is the example's own store.)
 */
export class HookStore {
  private hooks = new Map<string, HookTarget>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async load(): Promise<void> {
    try {
      this.hooks = new Map(Object.entries(JSON.parse(await readFile(this.path, 'utf8')) as Record<string, HookTarget>));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** A fresh key for the channel; any earlier key of that channel stops working. */
  async connect(target: HookTarget): Promise<string> {
    this.drop(target);
    const key = randomBytes(24).toString('base64url');
    this.hooks.set(digest(key), target);
    await this.save();
    return key;
  }

  /** True when the channel had a hook. */
  async disconnect(target: Omit<HookTarget, 'userId'>): Promise<boolean> {
    const had = this.drop(target);
    await this.save();
    return had;
  }

  find(key: string): HookTarget | undefined {
    return this.hooks.get(digest(key));
  }

  private drop({ workspaceId, channelId }: Omit<HookTarget, 'userId'>): boolean {
    let had = false;
    for (const [hash, hook] of this.hooks) {
      if (hook.workspaceId === workspaceId && hook.channelId === channelId) had = this.hooks.delete(hash);
    }
    return had;
  }

  /** Writes serially, via a temp file and rename, so a crash never leaves half a file. */
  private save(): Promise<void> {
    const body = JSON.stringify(Object.fromEntries(this.hooks));
    this.writing = this.writing.then(async () => {
      await writeFile(`${this.path}.tmp`, body, { mode: 0o600 });
      await rename(`${this.path}.tmp`, this.path);
    });
    return this.writing;
  }
}
