import type { Message } from '@switchboard/protocol';
import type { Transaction } from 'kysely';
import type { ChangeSink, ChatChange } from '../chat/changes.js';
import type { Database } from '../store/schema.js';
import type { FilesService } from './files-service.js';

interface Created {
  message: Message;
}

/** The ids a new message lists in `files` (as the SDK posts them), before they are resolved. */
function fileIdsOf(change: ChatChange): unknown[] | undefined {
  if (change.type !== 'message.created') return undefined;
  const files = (change.data as Created).message.files;
  return Array.isArray(files) && files.length > 0 ? files : undefined;
}

/**
 * Attaches uploaded files to a new message inside the post's own transaction: the ids the post
 * lists become the message's files (stored, pushed, sent to apps and answered as `MessageFile`s),
 * and each file is claimed by that message, so a file goes on one message only. A file that is
 * not a completed upload of the author fails the post. Runs before the event outbox sink, so
 * apps receive the resolved files.
 */
export class MessageFilesSink implements ChangeSink {
  constructor(private readonly files: FilesService) {}

  writesFor(changes: readonly ChatChange[]): boolean {
    return changes.some((change) => fileIdsOf(change) !== undefined);
  }

  async inTransaction(trx: Transaction<Database>, changes: readonly ChatChange[]): Promise<void> {
    for (const change of changes) {
      const ids = fileIdsOf(change);
      if (!ids) continue;
      const message = (change.data as Created).message;
      const caller = { workspaceId: message.workspaceId, userId: message.author };
      const files = await this.files.attach(trx, caller, ids, message.id, message.channelId);
      await trx
        .updateTable('messages')
        .set({ files: JSON.stringify(files) })
        .where('id', '=', message.id)
        .execute();
      // The same object is the post's answer and what the realtime push and app events carry.
      message.files = files;
    }
  }
}
