import type { DomainError } from '../../domain/errors';
import {
  backoffMs,
  channelsFor,
  quietDelayMs,
  MAX_DELIVERY_ATTEMPTS,
  renderTemplate,
  type NotificationChannel,
  type NotificationPreferences,
  type NotificationPriority,
  type NotificationStatus,
} from '../../domain/notifications';
import { err, ok, type Result } from '../../domain/result';
import { getCustomer } from '../customers';
import type { Page, PageRequest } from '../ledger/ledger-store';
import type { Dependencies } from '../ports';
import type { NotificationRecord, NotificationTemplate } from './ports';
import { dispatchToWebhooks, retryDueDeliveries } from './webhooks';

export type NotifyDeps = Pick<
  Dependencies,
  'notifications' | 'clock' | 'ids' | 'logger' | 'ledger' | 'cipher' | 'vault' | 'settings'
>;

export interface SendCommand {
  readonly type: string;
  readonly recipientId: string;
  readonly data: Readonly<Record<string, string>>;
  readonly channels?: readonly NotificationChannel[] | undefined;
  readonly priority?: NotificationPriority | undefined;
  readonly language?: string | undefined;
  /** The domain event behind it: notification ids derive from it, so a redelivery is a no-op. */
  readonly eventId?: string | undefined;
}

export interface SendResult {
  readonly notificationIds: readonly string[];
  readonly sentCount: number;
}

/**
 * Sends a notification to a customer on each channel their preferences allow: renders the
 * template (their language, else English), stores one record per channel, and delivers at once
 * unless quiet hours defer it. A failed delivery is stored FAILED with its next try; it never
 * makes the send fail.
 */
export async function sendNotification(
  deps: NotifyDeps,
  command: SendCommand,
): Promise<Result<SendResult, DomainError>> {
  if ((await deps.ledger.getCustomer(command.recipientId)) === undefined) {
    return err({ code: 'CUSTOMER_NOT_FOUND', customerId: command.recipientId });
  }
  const { store } = deps.notifications;
  const preferences = await store.getPreferences(command.recipientId);
  const channels = channelsFor(command.type, command.channels, preferences);
  const now = deps.clock.now().toISOString();
  const priority = command.priority ?? 'MEDIUM';
  const ids: string[] = [];
  let sentCount = 0;
  for (const channel of channels) {
    const language = command.language ?? preferences?.language ?? 'en';
    const rendered = await render(deps, command.type, channel, language, command.data);
    const delayMs = quietDelayMs(now, preferences?.quietHours, priority);
    const notBefore = new Date(Date.parse(now) + delayMs).toISOString();
    const record: NotificationRecord = {
      id:
        command.eventId === undefined
          ? deps.ids.next()
          : `${command.eventId}-${command.recipientId}-${channel}`,
      type: command.type,
      channel,
      recipientId: command.recipientId,
      priority,
      status: !rendered.ok ? 'SKIPPED' : notBefore > now ? 'DEFERRED' : 'PENDING',
      subject: rendered.ok ? rendered.subject : undefined,
      body: rendered.ok ? rendered.body : '',
      language: rendered.ok ? rendered.language : language,
      eventId: command.eventId,
      attempts: 0,
      nextAttemptAt: notBefore > now ? notBefore : undefined,
      lastError: rendered.ok ? undefined : rendered.problem,
      sentAt: undefined,
      readAt: undefined,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    if (!(await store.putNotification(record))) continue; // This event was handled already.
    ids.push(record.id);
    if (record.status !== 'PENDING') continue;
    const delivered = await deliver(deps, record);
    if (delivered.status === 'SENT') sentCount += 1;
  }
  return ok({ notificationIds: ids, sentCount });
}

type Rendered =
  | {
      readonly ok: true;
      readonly subject: string | undefined;
      readonly body: string;
      readonly language: string;
    }
  | { readonly ok: false; readonly problem: string };

/**
 * The template for a type and channel: the language asked for, else English, else any; with no
 * template for the channel, the type's template of any channel (as the original did). Without any
 * template the notification is stored SKIPPED, saying why.
 */
async function render(
  deps: NotifyDeps,
  type: string,
  channel: NotificationChannel,
  language: string,
  data: Readonly<Record<string, string>>,
): Promise<Rendered> {
  const { store } = deps.notifications;
  let candidates = await store.templatesFor(type, channel);
  if (candidates.length === 0) {
    for (const other of ['EMAIL', 'SMS', 'PUSH', 'IN_APP', 'WEBHOOK'] as const) {
      candidates = await store.templatesFor(type, other);
      if (candidates.length > 0) break;
    }
  }
  const template =
    candidates.find((candidate) => candidate.language === language) ??
    candidates.find((candidate) => candidate.language === 'en') ??
    candidates[0];
  if (template === undefined) return { ok: false, problem: `no active template for ${type}` };
  const body = renderTemplate(template.body, data);
  const subject =
    template.subject === undefined ? undefined : renderTemplate(template.subject, data);
  if (!body.ok) return { ok: false, problem: `missing variables: ${body.missing.join(', ')}` };
  if (subject !== undefined && !subject.ok) {
    return { ok: false, problem: `missing variables: ${subject.missing.join(', ')}` };
  }
  return { ok: true, subject: subject?.text, body: body.text, language: template.language };
}

/**
 * One delivery try. The address is read from the customer's sealed personal data now, used, and
 * forgotten: the record never holds it and no log line names it.
 */
export async function deliver(
  deps: NotifyDeps,
  record: NotificationRecord,
): Promise<NotificationRecord> {
  const now = deps.clock.now().toISOString();
  let outcome: { status: NotificationStatus; error?: string };
  try {
    outcome = await attempt(deps, record);
  } catch (error) {
    outcome = { status: 'FAILED', error: error instanceof Error ? error.name : 'Error' };
  }
  const attempts = record.attempts + 1;
  const failed = outcome.status === 'FAILED';
  const dead = failed && attempts >= MAX_DELIVERY_ATTEMPTS;
  const next: NotificationRecord = {
    ...record,
    status: dead ? 'DEAD_LETTER' : outcome.status,
    attempts,
    nextAttemptAt: failed && !dead ? retryAt(deps, now, attempts) : undefined,
    lastError: outcome.error,
    sentAt: outcome.status === 'SENT' ? now : record.sentAt,
    updatedAt: now,
    version: record.version + 1,
  };
  if (!(await deps.notifications.store.putNotification(next, record.version))) {
    return (await deps.notifications.store.getNotification(record.id)) ?? record;
  }
  if (failed) {
    deps.logger.warn('notification delivery failed', {
      notificationId: record.id,
      channel: record.channel,
      attempts,
      deadLetter: dead,
      error: outcome.error,
    });
  }
  return next;
}

function retryAt(deps: NotifyDeps, now: string, attempts: number): string {
  return new Date(
    Date.parse(now) + backoffMs(attempts, deps.notifications.retryBaseMs),
  ).toISOString();
}

async function attempt(
  deps: NotifyDeps,
  record: NotificationRecord,
): Promise<{ status: NotificationStatus; error?: string }> {
  switch (record.channel) {
    case 'IN_APP':
      return { status: 'SENT' }; // Stored is delivered: the app lists it.
    case 'WEBHOOK': {
      await dispatchToWebhooks(deps, {
        specversion: '1.0',
        id: record.id,
        source: `nexum/${deps.settings.tenant}`,
        type: `nexum.notification.${record.type}`,
        subject: `customer/${record.recipientId}`,
        time: deps.clock.now().toISOString(),
        datacontenttype: 'application/json',
        sequence: '1',
        data: {
          notificationId: record.id,
          recipientId: record.recipientId,
          type: record.type,
          ...(record.subject === undefined ? {} : { subject: record.subject }),
          body: record.body,
        },
      });
      return { status: 'SENT' };
    }
    case 'EMAIL':
    case 'SMS':
    case 'PUSH': {
      const address = await addressOf(deps, record.recipientId, record.channel);
      if (address === undefined) return { status: 'SKIPPED', error: 'no address on file' };
      await deps.notifications.messages.send({
        notificationId: record.id,
        channel: record.channel,
        recipientId: record.recipientId,
        address,
        subject: record.subject,
        body: record.body,
      });
      return { status: 'SENT' };
    }
  }
}

async function addressOf(
  deps: NotifyDeps,
  customerId: string,
  channel: 'EMAIL' | 'SMS' | 'PUSH',
): Promise<string | undefined> {
  if (channel === 'PUSH') return customerId; // The bank's app backend maps customers to devices.
  const customer = await getCustomer(deps, customerId);
  if (!customer.ok || customer.value.personal === undefined) return undefined; // Erased.
  return channel === 'EMAIL' ? customer.value.personal.email : customer.value.personal.phone;
}

/**
 * Retries what is due: deferred notifications whose quiet hours ended, failed ones whose backoff
 * elapsed, and failed webhook deliveries. Run by `POST /notifications/retry-failed` and by the
 * scheduler.
 */
export async function retryDue(
  deps: NotifyDeps,
  limit = 100,
): Promise<{ retried: number; sent: number; failed: number; deadLettered: number }> {
  const now = deps.clock.now().toISOString();
  const { store } = deps.notifications;
  const due = [
    ...(await store.dueNotifications('DEFERRED', now, limit)),
    ...(await store.dueNotifications('FAILED', now, limit)),
  ].slice(0, limit);
  const counts = { retried: 0, sent: 0, failed: 0, deadLettered: 0 };
  for (const record of due) {
    const after = await deliver(deps, record);
    counts.retried += 1;
    if (after.status === 'SENT') counts.sent += 1;
    if (after.status === 'FAILED') counts.failed += 1;
    if (after.status === 'DEAD_LETTER') counts.deadLettered += 1;
  }
  const webhooks = await retryDueDeliveries(deps, limit);
  return {
    retried: counts.retried + webhooks.retried,
    sent: counts.sent + webhooks.succeeded,
    failed: counts.failed + webhooks.failed,
    deadLettered: counts.deadLettered + webhooks.deadLettered,
  };
}

export async function markRead(
  deps: NotifyDeps,
  notificationId: string,
): Promise<Result<NotificationRecord, DomainError>> {
  const { store } = deps.notifications;
  for (;;) {
    const record = await store.getNotification(notificationId);
    if (record === undefined) {
      return err({ code: 'NOT_FOUND', entity: 'notification', id: notificationId });
    }
    if (record.readAt !== undefined) return ok(record);
    const now = deps.clock.now().toISOString();
    const next = { ...record, readAt: now, updatedAt: now, version: record.version + 1 };
    if (await store.putNotification(next, record.version)) return ok(next);
  }
}

export async function listNotifications(
  deps: NotifyDeps,
  recipientId: string,
  filter: { status?: NotificationStatus | undefined; channel?: NotificationChannel | undefined },
  page: PageRequest,
): Promise<Page<NotificationRecord>> {
  return deps.notifications.store.listForRecipient(recipientId, filter, page);
}

export async function deliveryStats(deps: NotifyDeps) {
  const byStatus = await deps.notifications.store.countByStatus();
  const total = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
  return {
    total,
    byStatus,
    // A ratio, not money: a float is fine, rounded for display.
    deliveryRate: total === 0 ? 0 : Math.round((byStatus.SENT / total) * 10_000) / 10_000,
  };
}

export interface TemplateInput {
  readonly type: string;
  readonly channel: NotificationChannel;
  readonly language: string;
  readonly subject?: string | undefined;
  readonly body: string;
  readonly active?: boolean | undefined;
}

export async function createTemplate(
  deps: NotifyDeps,
  input: TemplateInput,
): Promise<NotificationTemplate> {
  const now = deps.clock.now().toISOString();
  const template: NotificationTemplate = {
    id: deps.ids.next(),
    type: input.type,
    channel: input.channel,
    language: input.language,
    subject: input.subject,
    body: input.body,
    active: input.active ?? true,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await deps.notifications.store.putTemplate(template);
  return template;
}

export async function updateTemplate(
  deps: NotifyDeps,
  id: string,
  input: TemplateInput,
): Promise<Result<NotificationTemplate, DomainError>> {
  for (;;) {
    const current = await deps.notifications.store.getTemplate(id);
    if (current === undefined) return err({ code: 'NOT_FOUND', entity: 'template', id });
    const next: NotificationTemplate = {
      ...current,
      type: input.type,
      channel: input.channel,
      language: input.language,
      subject: input.subject,
      body: input.body,
      active: input.active ?? current.active,
      version: current.version + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
    if (await deps.notifications.store.putTemplate(next, current.version)) return ok(next);
  }
}

/** Deactivates a template (the table is append-only: nothing is deleted). */
export async function deactivateTemplate(
  deps: NotifyDeps,
  id: string,
): Promise<Result<NotificationTemplate, DomainError>> {
  const current = await deps.notifications.store.getTemplate(id);
  if (current === undefined) return err({ code: 'NOT_FOUND', entity: 'template', id });
  return updateTemplate(deps, id, { ...current, active: false });
}

export async function getPreferences(
  deps: NotifyDeps,
  customerId: string,
): Promise<Result<NotificationPreferences, DomainError>> {
  if ((await deps.ledger.getCustomer(customerId)) === undefined) {
    return err({ code: 'CUSTOMER_NOT_FOUND', customerId });
  }
  const stored = await deps.notifications.store.getPreferences(customerId);
  return ok(
    stored ?? {
      customerId,
      channels: {},
      optOutChannels: [],
      optOutTypes: [],
      quietHours: undefined,
      language: undefined,
      updatedAt: deps.clock.now().toISOString(),
    },
  );
}

export async function putPreferences(
  deps: NotifyDeps,
  preferences: Omit<NotificationPreferences, 'updatedAt'>,
): Promise<Result<NotificationPreferences, DomainError>> {
  if ((await deps.ledger.getCustomer(preferences.customerId)) === undefined) {
    return err({ code: 'CUSTOMER_NOT_FOUND', customerId: preferences.customerId });
  }
  const stored = { ...preferences, updatedAt: deps.clock.now().toISOString() };
  await deps.notifications.store.putPreferences(stored);
  return ok(stored);
}
