/** One connected consumer of an app's stream (a WebSocket), as the hub sees it. */
export interface Consumer {
  /** Unique across nodes: it is the lease owner of the events it holds. */
  readonly id: string;
  readonly appId: string;
  /** Events handed to it and not acked yet → their lease deadline (epoch ms). */
  readonly inFlight: Map<string, number>;
  send(frame: string): void;
  isOpen(): boolean;
}
