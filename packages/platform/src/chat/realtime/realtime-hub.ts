import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { ChangeSink, ChatChange } from '../changes.js';
import type { ChannelsStore } from '../channels/channels-store.js';

interface Connection {
  socket: WebSocket;
  workspaceId: string;
  userId: string;
  /** The person session the socket was opened with, so ending it closes the socket. */
  sessionId?: string;
}

/** Close code sent when the session behind a socket ends (4000-4999: application codes). */
export const SESSION_ENDED_CLOSE_CODE = 4401;

/**
 * Pushes chat changes to connected UI clients, only to people who may see them.
 * In-process: each node serves its own sockets (a Postgres LISTEN/NOTIFY fan-out between
 * nodes plugs in as another ChangeSink).
 */
export class RealtimeHub implements ChangeSink {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly byWorkspace = new Map<string, Set<Connection>>();
  /** The last queued push; each push waits for the one before it. */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly channels: ChannelsStore,
    private readonly log: FastifyBaseLogger,
  ) {}

  add(socket: WebSocket, workspaceId: string, userId: string, sessionId?: string): () => void {
    const connection: Connection = { socket, workspaceId, userId, sessionId };
    const users = this.byUser.get(userId) ?? new Set();
    users.add(connection);
    this.byUser.set(userId, users);
    const workspace = this.byWorkspace.get(workspaceId) ?? new Set();
    workspace.add(connection);
    this.byWorkspace.set(workspaceId, workspace);
    return () => {
      users.delete(connection);
      if (users.size === 0) this.byUser.delete(userId);
      workspace.delete(connection);
      if (workspace.size === 0) this.byWorkspace.delete(workspaceId);
    };
  }

  connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  afterCommit(changes: readonly ChatChange[]): void {
    for (const change of changes) {
      if (!this.byWorkspace.has(change.workspaceId)) continue;
      // Audiences are looked up concurrently, but frames leave in commit order: with a pool of
      // database connections a later lookup may finish first, and a client must never see an
      // edit or a reaction before the message it belongs to.
      const targets = this.targets(change);
      targets.catch(() => {}); // reported below, in order
      this.tail = this.tail.then(async () => {
        try {
          this.send(change, await targets);
        } catch (err) {
          this.log.warn({ err, type: change.type }, 'realtime push failed');
        }
      });
    }
  }

  private send(change: ChatChange, targets: Iterable<Connection>): void {
    const frame = JSON.stringify({ type: change.type, data: change.data });
    for (const connection of targets) {
      if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(frame);
    }
  }

  private async targets(change: ChatChange): Promise<Iterable<Connection>> {
    const audience = change.audience;
    if ('workspaceId' in audience) return this.byWorkspace.get(audience.workspaceId) ?? [];
    const userIds = 'userIds' in audience ? audience.userIds : await this.channels.members(audience.channelId);
    const result: Connection[] = [];
    for (const userId of userIds) {
      for (const connection of this.byUser.get(userId) ?? []) {
        if (connection.workspaceId === change.workspaceId) result.push(connection);
      }
    }
    return result;
  }

  /** Closes the sockets of one session or of every session of a person (logout, deactivation). */
  disconnect(ended: { sessionId: string } | { userId: string }): void {
    for (const set of this.byUser.values()) {
      for (const c of set) {
        const matches = 'sessionId' in ended ? c.sessionId === ended.sessionId : c.userId === ended.userId;
        if (matches) c.socket.close(SESSION_ENDED_CLOSE_CODE, 'session ended');
      }
    }
  }

  closeAll(): void {
    for (const set of this.byUser.values()) for (const c of set) c.socket.close(1001, 'server shutting down');
  }
}
