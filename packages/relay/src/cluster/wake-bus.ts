/**
 * Wake-ups between relay nodes sharing one PostgreSQL: "app X has new events". Hints only — the
 * events are in the table, and every node also polls — so a lost wake-up costs latency, never data.
 */
export interface WakeBus {
  /** Tells the other nodes that `appId` has new events (coalesced briefly). */
  notify(appId: string): void;
  onWake(handler: (appId: string) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** SQLite: one process owns the file; nobody else to tell. */
export class LocalWakeBus implements WakeBus {
  notify(): void {}
  onWake(): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
