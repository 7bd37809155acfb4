/** Reconnect backoff of the SDK's WebSocket receivers (socket mode, relay). */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

/**
 * The wait before reconnect attempt `attempt` (0 = first): exponential from `initialMs` (500) up to
 * `maxMs` (30 s), with equal jitter — between half and all of that — so clients cut off together
 * do not come back together.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}): number {
  const ceiling = Math.min(options.maxMs ?? 30_000, (options.initialMs ?? 500) * 2 ** Math.min(attempt, 20));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}
