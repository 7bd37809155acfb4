/** One running lane's mailbox: set when rows may have been committed to it since its last read. */
interface LaneSignal {
  dirty: boolean;
  wakeUp: (() => void) | undefined;
}

/**
 * Lets a drained SQLite lane linger instead of ending. A lane that has sent everything it could
 * read stays open for a short while; a commit that enqueues rows for it (`notify` with its key)
 * makes it read on at once. At a steady trickle of events this saves, per event, the claim that
 * would retake the lane and the outcome commit that had to come first (a lane's next rows are
 * claimable only once its outcomes are written), so outcomes share commits again.
 */
export class LaneSignals {
  private readonly open = new Map<string, LaneSignal>();

  /** Registers a running lane. */
  enter(key: string): LaneSignal {
    const signal: LaneSignal = { dirty: false, wakeUp: undefined };
    this.open.set(key, signal);
    return signal;
  }

  leave(key: string): void {
    this.open.delete(key);
  }

  /**
   * Marks the lanes as having new rows and wakes those lingering. Returns whether every key
   * belongs to a running lane (which then reads the rows itself: no claim is needed).
   */
  notify(keys: Iterable<string>): boolean {
    let covered = true;
    for (const key of keys) {
      const signal = this.open.get(key);
      if (signal) mark(signal);
      else covered = false;
    }
    return covered;
  }

  /** Wakes every running lane (a wake-up that does not say which lanes got rows, or a stop). */
  notifyAll(): void {
    for (const signal of this.open.values()) mark(signal);
  }

  /**
   * Waits until the lane is notified (true) or `ms` pass (false). A notification that came
   * since the lane last cleared `dirty` (before its last read) returns at once.
   */
  wait(signal: LaneSignal, ms: number): Promise<boolean> {
    if (signal.dirty) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.wakeUp = undefined;
        resolve(false);
      }, ms);
      signal.wakeUp = () => {
        clearTimeout(timer);
        signal.wakeUp = undefined;
        resolve(true);
      };
    });
  }
}

function mark(signal: LaneSignal): void {
  signal.dirty = true;
  signal.wakeUp?.();
}

export type { LaneSignal };
