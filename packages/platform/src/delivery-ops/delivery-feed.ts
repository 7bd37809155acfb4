/** One trigger or event attempt, as a developer watching their app wants to see it. */
export interface FeedEntry {
  appId: string;
  /** `SLASH_COMMAND /echo hi`, `PUMBLE_EVENT NEW_MESSAGE`, … */
  kind: string;
  /** `http`, `socket`, `webhook`, or `none` when no transport was reached. */
  transport: string;
  /** The app's status; undefined when it could not be reached or did not answer. */
  status: number | undefined;
  latencyMs: number;
  error?: string;
  /** Earlier attempts of a redelivered event. */
  retry?: number;
}

/**
 * Live attempts for whoever listens in this process (`switchboard dev` prints a socket-mode
 * app's): publishing costs one size check when nobody does. Not a log: nothing is kept.
 */
export class DeliveryFeed {
  private readonly listeners = new Set<(entry: FeedEntry) => void>();

  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** @returns a function that stops listening */
  subscribe(listener: (entry: FeedEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(entry: FeedEntry): void {
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch {
        // A listener's failure is its own; deliveries go on.
      }
    }
  }
}

/** `SLASH_COMMAND /echo hi` from a trigger payload (PROTOCOL.md 6.2). */
export function triggerKind(payload: Record<string, unknown>): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const type = text(payload.messageType);
  const detail: Record<string, string> = {
    SLASH_COMMAND: `${text(payload.slashCommand)} ${text(payload.text)}`,
    SHORTCUT: `${text(payload.type)} ${text(payload.shortcut)}`,
    BLOCK_INTERACTION: text(payload.onAction),
    DYNAMIC_MENU: text(payload.onAction),
    VIEW_ACTION: text(payload.viewActionType),
  };
  return `${type} ${(detail[type] ?? '').trim()}`.trim().slice(0, 80);
}
