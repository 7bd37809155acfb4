/** A message between the nodes sharing one database: `k` its kind, `n` the sending node. */
export interface ClusterMessage {
  k: string;
  n: string;
  [field: string]: unknown;
}

export type ClusterHandler = (message: ClusterMessage) => void;

/**
 * Wake-ups between platform nodes sharing one database. Messages are hints, never the data:
 * work still goes through tables (the outbox, trigger requests), so a lost message only costs
 * latency until the next poll. Nodes never receive their own messages.
 */
export interface ClusterBus {
  readonly nodeId: string;
  /** False on SQLite: one process owns the file, there is nobody to tell. */
  readonly shared: boolean;
  /** Tells the other nodes that `kind` happened; calls within a short window become one message. */
  announce(kind: string): void;
  /** Sends one message to the other nodes now (not coalesced); resolves once handed to the database. */
  send(kind: string, fields?: Record<string, unknown>): Promise<void>;
  on(kind: string, handler: ClusterHandler): void;
  /** Runs after the listener (re)connects: messages sent while it was away are lost, so look again. */
  onResync(handler: () => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The bus of a single-process (SQLite) platform: nothing to tell, nothing to hear. */
export class SingleNodeBus implements ClusterBus {
  readonly shared = false;

  constructor(readonly nodeId: string) {}

  announce(): void {}

  async send(): Promise<void> {}

  on(): void {}

  onResync(): void {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
