import type { Clock } from '../application/ports';

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
