import { OutboxStore } from '../delivery/index.js';
import { NOT_CONNECTED } from './socket-transport.js';

/**
 * The outbox store of a node in a PostgreSQL cluster: once it has recorded rows that another
 * node may deliver sooner (parked because the app's socket is connected elsewhere, or released
 * unattempted), it calls `announce`, after the commit, so the node holding the connection
 * makes them due and claims them within milliseconds instead of at its next poll.
 */
export class AnnouncingOutboxStore extends OutboxStore {
  announce: () => void = () => {};

  override async record(...args: Parameters<OutboxStore['record']>): Promise<void> {
    await super.record(...args);
    if (args[0].some((result) => result.kind === 'release' || (result.kind === 'retry' && result.error === NOT_CONNECTED))) this.announce();
  }
}
