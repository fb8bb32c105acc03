import { eventDataProblems } from '../../contracts/events/catalogue';
import type { Logger } from '../../observability/logger';
import type { WriteOp } from '../ledger/records';

/** An outbox event whose type or data breaks the catalogue: a producer bug. */
export class EventContractError extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: readonly string[],
  ) {
    super(`Event ${eventType} does not match the catalogue: ${problems.join('; ')}`);
    this.name = 'EventContractError';
  }
}

/** `strict`: a commit carrying a bad event throws. `log`: it is logged, then committed. */
export type EventValidation = 'strict' | 'log';

/**
 * The check every unit of work passes before it is written: each outbox event (`putEvent`) must
 * have a catalogued type and data that its schema accepts. This is the one place events enter
 * the outbox, so nothing reaches the bus, the Kafka bridge or a webhook unchecked.
 *
 * In tests (`strict`) a producer bug fails the command that emitted it, loudly and at its
 * source. In production (`log`) the business change is never refused for the shape of its
 * announcement: the commit goes ahead, the event is published as written (consumers still
 * deduplicate by id), and an error naming the event id, type and broken paths (never values) is
 * logged for the alarm on error logs.
 */
export function outboxContract(
  mode: EventValidation,
  logger: Logger,
): (ops: readonly WriteOp[]) => void {
  return (ops) => {
    for (const op of ops) {
      if (op.kind !== 'putEvent') continue;
      const problems = eventDataProblems(op.event.type, op.event.data);
      if (problems.length === 0) continue;
      if (mode === 'strict') throw new EventContractError(op.event.type, problems);
      logger.error('event does not match the catalogue; committed as written', {
        eventId: op.event.id,
        type: op.event.type,
        problems,
      });
    }
  };
}
