import { monotonicFactory } from 'ulid';
import type { IdGenerator } from '../application/ports';

/** ULIDs: sortable by creation time, monotonic within one millisecond of one container. */
export function ulidGenerator(): IdGenerator {
  const next = monotonicFactory();
  return { next: () => next() };
}
