import { randomBytes } from 'node:crypto';
import type { TestPlatform } from '../../../platform/test/harness.js';

type Platform = TestPlatform['platform'];

/** A message id as the platform makes them (24 hex: ms, counter, random), so cursors accept it and order follows time. */
function idAt(ms: number, counter: number): string {
  return ms.toString(16).padStart(12, '0') + counter.toString(16).padStart(4, '0') + randomBytes(4).toString('hex');
}

/**
 * Writes `count` messages into a channel straight through the store, one minute apart and
 * ending now, alternating between `authors` (seeding 10 000 through the API would take most
 * of the test's time; the page reads them through the API like any others).
 */
export async function seedHistory(platform: Platform, workspaceId: string, channelId: string, authors: string[], count: number): Promise<void> {
  const end = Date.now() - 60_000;
  const rows = Array.from({ length: count }, (_, i) => {
    const at = end - (count - 1 - i) * 60_000;
    return {
      id: idAt(at, i % 65_536),
      workspace_id: workspaceId,
      channel_id: channelId,
      author_id: authors[i % authors.length],
      text: `message ${i + 1}`,
      blocks: null,
      attachments: null,
      files: null,
      thread_root_id: null,
      reply_count: 0,
      last_reply_at: null,
      subtype: null,
      edited_at: null,
      deleted_at: null,
      created_at: at,
    };
  });
  const db = platform.services.store.db;
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('messages')
      .values(rows.slice(i, i + 500))
      .execute();
}
