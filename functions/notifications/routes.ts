import {
  createTemplate,
  deactivateTemplate,
  deliveryStats,
  getPreferences,
  listNotifications,
  markRead,
  putPreferences,
  retryDue,
  sendNotification,
  updateTemplate,
  type SendResult,
} from '@shared/application/notifications/notifications';
import type {
  NotificationRecord,
  NotificationTemplate,
  WebhookDelivery,
  WebhookEndpoint,
} from '@shared/application/notifications/ports';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  rotateWebhookSecret,
} from '@shared/application/notifications/webhooks';
import {
  runCommand,
  storedReplay,
  type StoredResponse,
} from '@shared/application/ledger/run-command';
import type { Dependencies } from '@shared/application/ports';
import type { DomainError } from '@shared/domain/errors';
import { ok, type Result } from '@shared/domain/result';
import { commandContext, commandReply, jsonResponse, valueOrThrow } from '@shared/http/commands';
import type { GroupImplementations } from '@shared/http/http-handler';
import type { NotificationPreferences } from '@shared/domain/notifications';

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

const notificationWire = (record: NotificationRecord) => ({
  id: record.id,
  type: record.type,
  channel: record.channel,
  recipientId: record.recipientId,
  priority: record.priority,
  status: record.status,
  ...optional('subject', record.subject),
  body: record.body,
  language: record.language,
  ...optional('eventId', record.eventId),
  attempts: record.attempts,
  ...optional('nextAttemptAt', record.nextAttemptAt),
  ...optional('lastError', record.lastError),
  ...optional('sentAt', record.sentAt),
  ...optional('readAt', record.readAt),
  createdAt: record.createdAt,
});

const templateWire = (template: NotificationTemplate) => ({
  id: template.id,
  type: template.type,
  channel: template.channel,
  language: template.language,
  ...optional('subject', template.subject),
  body: template.body,
  active: template.active,
  version: template.version,
  createdAt: template.createdAt,
  updatedAt: template.updatedAt,
});

const preferencesWire = (preferences: NotificationPreferences) => ({
  customerId: preferences.customerId,
  channels: Object.fromEntries(
    Object.entries(preferences.channels).map(([type, channels]) => [type, [...channels]]),
  ),
  optOutChannels: [...preferences.optOutChannels],
  optOutTypes: [...preferences.optOutTypes],
  ...optional('quietHours', preferences.quietHours),
  ...optional('language', preferences.language),
  updatedAt: preferences.updatedAt,
});

/** The endpoint without its (sealed) secret. */
const webhookWire = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  events: [...endpoint.events],
  ...optional('description', endpoint.description),
  active: endpoint.active,
  createdAt: endpoint.createdAt,
  updatedAt: endpoint.updatedAt,
});

const deliveryWire = (delivery: WebhookDelivery) => ({
  eventId: delivery.eventId,
  eventType: delivery.eventType,
  status: delivery.status,
  attempts: delivery.attempts,
  ...optional('lastStatusCode', delivery.lastStatusCode),
  ...optional('lastError', delivery.lastError),
  ...optional('nextAttemptAt', delivery.nextAttemptAt),
  createdAt: delivery.createdAt,
  updatedAt: delivery.updatedAt,
});

/** The notifications group: sending, in-app inbox, templates, preferences and webhooks. */
export function notificationRoutes(deps: Dependencies): GroupImplementations<'notifications'> {
  /**
   * Runs a creating request under its Idempotency-Key: a stored response is replayed, otherwise
   * the action runs and its response is stored with the key (create-once).
   */
  const keyed = async <T>(
    request: Parameters<typeof commandContext>[0],
    operation: string,
    render: (value: T) => StoredResponse,
    action: () => Promise<Result<T, DomainError>>,
  ) => {
    const context = commandContext(request, operation, render);
    const outcome = await runCommand(deps, context, async () => {
      const replay = await storedReplay(deps, context.idempotency);
      if (replay !== undefined) return replay;
      const done = await action();
      return done.ok ? ok({ ops: [], value: done.value }) : done;
    });
    return commandReply(outcome, render);
  };

  return {
    sendNotification: (request) =>
      keyed(
        request,
        'sendNotification',
        (value: SendResult) => jsonResponse(201, value),
        () =>
          sendNotification(deps, {
            type: request.body.type,
            recipientId: request.body.recipientId,
            data: request.body.data,
            channels: request.body.channels,
            priority: request.body.priority,
            language: request.body.language,
          }),
      ),
    sendBulkNotification: (request) =>
      keyed(
        request,
        'sendBulkNotification',
        (value: { results: unknown[] }) => jsonResponse(201, value),
        async () => {
          const results = [];
          for (const recipientId of new Set(request.body.recipientIds)) {
            const sent = await sendNotification(deps, {
              type: request.body.type,
              recipientId,
              data: request.body.data,
              channels: request.body.channels,
              priority: request.body.priority,
            });
            results.push(
              sent.ok
                ? { recipientId, ...sent.value, notificationIds: [...sent.value.notificationIds] }
                : { recipientId, notificationIds: [], sentCount: 0, error: sent.error.code },
            );
          }
          return ok({ results });
        },
      ),
    listNotifications: async ({ query }) => {
      const page = await listNotifications(
        deps,
        query.recipientId,
        { status: query.status, channel: query.channel },
        { limit: query.limit, cursor: query.cursor },
      );
      return { body: { items: page.items.map(notificationWire), nextCursor: page.nextCursor } };
    },
    markNotificationRead: async ({ params }) => ({
      body: notificationWire(valueOrThrow(await markRead(deps, params.id))),
    }),
    unreadCount: async ({ query }) => ({
      body: {
        recipientId: query.recipientId,
        unread: await deps.notifications.store.countUnread(query.recipientId),
      },
    }),
    retryFailedNotifications: async ({ body }) => ({ body: await retryDue(deps, body.limit) }),
    notificationStats: async () => ({ body: await deliveryStats(deps) }),
    createTemplate: (request) =>
      keyed(
        request,
        'createTemplate',
        (template: NotificationTemplate) =>
          jsonResponse(201, templateWire(template), {
            Location: `${request.basePath}/notifications/templates/${template.id}`,
          }),
        async () => ok(await createTemplate(deps, request.body)),
      ),
    listTemplates: async ({ query }) => {
      const page = await deps.notifications.store.listTemplates({
        limit: query.limit,
        cursor: query.cursor,
      });
      return { body: { items: page.items.map(templateWire), nextCursor: page.nextCursor } };
    },
    getTemplate: async ({ params }) => {
      const template = await deps.notifications.store.getTemplate(params.id);
      return {
        body: templateWire(
          valueOrThrow(
            template === undefined
              ? { ok: false, error: { code: 'NOT_FOUND', entity: 'template', id: params.id } }
              : ok(template),
          ),
        ),
      };
    },
    updateTemplate: async ({ params, body }) => ({
      body: templateWire(valueOrThrow(await updateTemplate(deps, params.id, body))),
    }),
    deleteTemplate: async ({ params }) => {
      valueOrThrow(await deactivateTemplate(deps, params.id));
      return { body: '', status: 204 };
    },
    getPreferences: async ({ params }) => ({
      body: preferencesWire(valueOrThrow(await getPreferences(deps, params.customerId))),
    }),
    putPreferences: async ({ params, body }) => ({
      body: preferencesWire(
        valueOrThrow(
          await putPreferences(deps, {
            customerId: params.customerId,
            channels: body.channels,
            optOutChannels: body.optOutChannels,
            optOutTypes: body.optOutTypes,
            quietHours: body.quietHours,
            language: body.language,
          }),
        ),
      ),
    }),
    createWebhook: async (request) => {
      const created = valueOrThrow(await createWebhook(deps, request.body));
      return {
        status: 201,
        headers: {
          Location: `${request.basePath}/notifications/webhooks/${created.endpoint.id}`,
          'Cache-Control': 'no-store',
        },
        body: { ...webhookWire(created.endpoint), secret: created.secret },
      };
    },
    listWebhooks: async ({ query }) => {
      const page = await listWebhooks(deps, { limit: query.limit, cursor: query.cursor });
      return { body: { items: page.items.map(webhookWire), nextCursor: page.nextCursor } };
    },
    getWebhook: async ({ params }) => ({
      body: webhookWire(valueOrThrow(await getWebhook(deps, params.id))),
    }),
    deleteWebhook: async ({ params }) => {
      valueOrThrow(await deleteWebhook(deps, params.id));
      return { body: '', status: 204 };
    },
    rotateWebhookSecret: async ({ params }) => {
      const rotated = valueOrThrow(await rotateWebhookSecret(deps, params.id));
      return {
        headers: { 'Cache-Control': 'no-store' },
        body: { ...webhookWire(rotated.endpoint), secret: rotated.secret },
      };
    },
    listWebhookDeliveries: async ({ params, query }) => {
      valueOrThrow(await getWebhook(deps, params.id));
      const page = await listDeliveries(deps, params.id, {
        limit: query.limit,
        cursor: query.cursor,
      });
      return { body: { items: page.items.map(deliveryWire), nextCursor: page.nextCursor } };
    },
  };
}
