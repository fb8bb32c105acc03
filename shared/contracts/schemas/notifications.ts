import * as z from 'zod';
import { notificationChannels, notificationPriorities } from '../../domain/notifications';
import { TextSchema } from './common-fields';

export const ChannelSchema = z.enum(notificationChannels);
export const PrioritySchema = z.enum(notificationPriorities);
/** Notification types are lower_snake names (`transaction_alert`). */
export const NotificationTypeSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,63}$/, 'lower_snake name');
const LanguageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language tag like en or pt-BR');
const HhMmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (UTC)');
/** Template variables: flat strings, so nothing is formatted by accident (amounts come as text). */
const VariablesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,63}$/), z.string().max(2_000))
  .refine((value) => Object.keys(value).length <= 50, 'At most 50 variables');

export const SendNotificationBodySchema = z.strictObject({
  type: NotificationTypeSchema,
  recipientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  data: VariablesSchema.default({}),
  channels: z.array(ChannelSchema).min(1).max(5).optional(),
  priority: PrioritySchema.default('MEDIUM'),
  language: LanguageSchema.optional(),
});

export const SendBulkBodySchema = z.strictObject({
  type: NotificationTypeSchema,
  recipientIds: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/))
    .min(1)
    .max(100),
  data: VariablesSchema.default({}),
  channels: z.array(ChannelSchema).min(1).max(5).optional(),
  priority: PrioritySchema.default('MEDIUM'),
});

export const SendResultSchema = z
  .object({ notificationIds: z.array(z.string()), sentCount: z.number().int() })
  .meta({ id: 'NotificationSendResult' });

export const BulkSendResultSchema = z.object({
  results: z.array(
    z.object({
      recipientId: z.string(),
      notificationIds: z.array(z.string()),
      sentCount: z.number().int(),
      error: z.string().optional(),
    }),
  ),
});

export const NotificationSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    channel: ChannelSchema,
    recipientId: z.string(),
    priority: PrioritySchema,
    status: z.enum(['PENDING', 'DEFERRED', 'SENT', 'FAILED', 'DEAD_LETTER', 'SKIPPED']),
    subject: z.string().optional(),
    body: z.string(),
    language: z.string(),
    eventId: z.string().optional(),
    attempts: z.number().int(),
    nextAttemptAt: z.string().optional(),
    lastError: z.string().optional(),
    sentAt: z.string().optional(),
    readAt: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' });

export const ListNotificationsQuerySchema = z.strictObject({
  recipientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  status: NotificationSchema.shape.status.optional(),
  channel: ChannelSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(1024).optional(),
});

export const TemplateBodySchema = z.strictObject({
  type: NotificationTypeSchema,
  channel: ChannelSchema,
  language: LanguageSchema.default('en'),
  subject: TextSchema(200).optional(),
  body: z.string().min(1).max(10_000),
  active: z.boolean().optional(),
});

export const TemplateSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    channel: ChannelSchema,
    language: z.string(),
    subject: z.string().optional(),
    body: z.string(),
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'NotificationTemplate' });

/** The whole preference set (PUT replaces it); an empty or absent body resets to the defaults. */
export const PreferencesBodySchema = z
  .strictObject({
    channels: z.record(NotificationTypeSchema, z.array(ChannelSchema).max(5)).default({}),
    optOutChannels: z.array(ChannelSchema).max(5).default([]),
    optOutTypes: z.array(NotificationTypeSchema).max(50).default([]),
    quietHours: z.strictObject({ start: HhMmSchema, end: HhMmSchema }).optional(),
    language: LanguageSchema.optional(),
  })
  .default({ channels: {}, optOutChannels: [], optOutTypes: [] });

export const PreferencesSchema = z
  .object({
    customerId: z.string(),
    channels: z.record(z.string(), z.array(ChannelSchema)),
    optOutChannels: z.array(ChannelSchema),
    optOutTypes: z.array(z.string()),
    quietHours: z.object({ start: z.string(), end: z.string() }).optional(),
    language: z.string().optional(),
    updatedAt: z.string(),
  })
  .meta({ id: 'NotificationPreferences' });

export const StatsSchema = z.object({
  total: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  deliveryRate: z.number(),
});

const EventTypeSchema = z
  .string()
  .regex(/^(\*|nexum\.[a-z_]+\.[a-z_]+)$/, 'an event type like nexum.transaction.posted, or *');

export const WebhookBodySchema = z.strictObject({
  url: z.string().min(8).max(2_048),
  events: z.array(EventTypeSchema).min(1).max(50),
  description: TextSchema(500).optional(),
});

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().optional(),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook' });

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().describe('The signing secret: shown only in this response'),
});

export const WebhookDeliverySchema = z
  .object({
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED', 'DEAD_LETTER']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().optional(),
    lastError: z.string().optional(),
    nextAttemptAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const RetryResultSchema = z.object({
  retried: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  deadLettered: z.number().int(),
});
