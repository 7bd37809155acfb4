/** Injected time source: production uses the wall clock, tests drive a fake one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
