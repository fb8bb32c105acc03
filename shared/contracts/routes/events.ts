import * as z from 'zod';
import { defineRoute } from '../route';
import { PageQuerySchema, pageOf } from '../schemas/common';
import { EventCatalogueSchema, EventRecordSchema, EventStatusSchema } from '../schemas/events';

const EventListQuery = PageQuerySchema.extend({
  type: z
    .string()
    .regex(/^nexum\.[a-z_]+\.[a-z_]+$/, 'a type such as nexum.transaction.posted')
    .optional(),
  subject: z
    .string()
    .regex(/^[a-z_]+\/[A-Za-z0-9_-]{1,200}$/, 'a subject such as account/<id>')
    .optional(),
});

const listEvents = {
  method: 'GET',
  group: 'events',
  // The event stream is a record of every change (ids, amounts, statuses): audit readers see it.
  permission: 'VIEW_AUDIT_LOG',
  summary: 'Recent domain events (7 days), newest first, by type and/or subject',
  query: EventListQuery,
  success: {
    status: 200,
    description: 'A page of CloudEvents with their publishing state',
    schema: pageOf(EventRecordSchema),
  },
} as const;

/** Domain events: the outbox as CloudEvents, the publisher's health and the event catalogue. */
export const eventRoutes = {
  listEvents: defineRoute({ ...listEvents, path: '/events' }),
  listKafkaEvents: defineRoute({
    ...listEvents,
    path: '/kafka/events',
    summary: 'Alias of GET /events (the original system path)',
  }),
  getEventStatus: defineRoute({
    method: 'GET',
    path: '/events/status',
    group: 'events',
    permission: 'VIEW_AUDIT_LOG',
    summary: 'Publisher lag: unpublished events, the oldest one, failures, dead letters',
    success: { status: 200, description: 'The publisher status', schema: EventStatusSchema },
  }),
  getEventCatalogue: defineRoute({
    method: 'GET',
    path: '/events/catalogue',
    group: 'events',
    permission: 'VIEW_AUDIT_LOG',
    summary: 'Every event type with the JSON Schema of its data',
    success: { status: 200, description: 'The catalogue', schema: EventCatalogueSchema },
  }),
} as const;
