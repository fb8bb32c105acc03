import * as z from 'zod';

/** A CloudEvents 1.0 event as Nexum publishes it (shared/contracts/events/cloud-event.ts). */
export const CloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string(),
  source: z.string(),
  type: z.string(),
  subject: z.string(),
  time: z.string(),
  datacontenttype: z.literal('application/json'),
  sequence: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** A recent event with its publishing state. */
export const EventRecordSchema = CloudEventSchema.extend({
  publication: z.object({
    state: z.enum(['PENDING', 'PUBLISHED', 'DEAD_LETTERED']),
    attempts: z.number().int(),
    publishedAt: z.string().optional(),
    deadLetteredAt: z.string().optional(),
  }),
});

export const EventStatusSchema = z.object({
  checkedAt: z.string(),
  unpublishedCount: z.number().int(),
  oldestUnpublishedAt: z.string().nullable(),
  /** Publisher lag: age of the oldest unpublished event. */
  oldestUnpublishedAgeSeconds: z.number().nullable(),
  failingCount: z.number().int(),
  deadLetteredCount: z.number().int(),
  /** Messages in the publisher's dead-letter queue; null when not known here. */
  deadLetterQueueDepth: z.number().int().nullable(),
});

export const EventCatalogueSchema = z.object({
  items: z.array(
    z.object({
      type: z.string(),
      aggregate: z.string(),
      description: z.string(),
      dataSchema: z.record(z.string(), z.unknown()),
    }),
  ),
});
