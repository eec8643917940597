/** Time and ids come through ports so tests and replays can control them. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
