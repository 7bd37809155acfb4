/**
 * Wake-ups between relay nodes sharing one PostgreSQL: "app X has new events". Hints only — the
 * events are in the table, and every node also polls — so a lost wake-up costs latency, never data.
 */
export interface WakeBus {
  /** Tells the other nodes that `appId` has new events (coalesced briefly). */
  notify(appId: string): void;
  onWake(handler: (appId: string) => void): void;
  /** Sends a trigger notice to the other nodes at once (see `RemoteTriggers`). */
  announce(notice: TriggerNotice): void;
  onNotice(handler: (notice: TriggerNotice) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** "A trigger of `appId` waits in the table" (to every node), or "its reply is there" (to `to`). */
export type TriggerNotice = { kind: 'trigger'; id: string; appId: string } | { kind: 'reply'; id: string; to: string };

/** SQLite: one process owns the file; nobody else to tell. */
export class LocalWakeBus implements WakeBus {
  notify(): void {}
  onWake(): void {}
  announce(): void {}
  onNotice(): void {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
