import { toCloudEvent } from './cloud-events';
import type { EventFilter, StoredOutboxEvent } from './ports';
import type { Dependencies } from '../ports';

type Deps = Pick<Dependencies, 'outbox' | 'clock' | 'settings' | 'eventDeadLetters'>;

/** An outbox record as the API shows it: the CloudEvent and where publishing stands. */
export function eventRecord(event: StoredOutboxEvent, tenant: string) {
  const state =
    event.publishedAt !== undefined
      ? ('PUBLISHED' as const)
      : event.deadLetteredAt !== undefined
        ? ('DEAD_LETTERED' as const)
        : ('PENDING' as const);
  return {
    ...toCloudEvent(event, tenant),
    publication: {
      state,
      attempts: event.publishAttempts,
      ...(event.publishedAt === undefined ? {} : { publishedAt: event.publishedAt }),
      ...(event.deadLetteredAt === undefined ? {} : { deadLetteredAt: event.deadLetteredAt }),
    },
  };
}

export async function listEvents(
  deps: Deps,
  query: EventFilter & { limit: number; cursor?: string | undefined },
) {
  const page = await deps.outbox.listEvents(
    { type: query.type, subject: query.subject },
    { limit: query.limit, cursor: query.cursor },
  );
  return {
    items: page.items.map((event) => eventRecord(event, deps.settings.tenant)),
    nextCursor: page.nextCursor,
  };
}

/** Publisher lag and failures; the DLQ depth when this deployment can see the queue. */
export async function eventStatus(deps: Deps) {
  const now = deps.clock.now();
  const [status, depth] = await Promise.all([
    deps.outbox.status(),
    deps.eventDeadLetters?.depth?.().catch(() => undefined),
  ]);
  return {
    checkedAt: now.toISOString(),
    ...status,
    oldestUnpublishedAgeSeconds:
      status.oldestUnpublishedAt === null
        ? null
        : Math.max(0, (now.getTime() - Date.parse(status.oldestUnpublishedAt)) / 1000),
    deadLetterQueueDepth: depth ?? null,
  };
}
