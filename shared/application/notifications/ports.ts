import type {
  NotificationChannel,
  NotificationPreferences,
  NotificationPriority,
  NotificationStatus,
} from '../../domain/notifications';
import type { SealedFields } from '../field-cipher';
import type { Page, PageRequest } from '../ledger/ledger-store';

export interface NotificationTemplate {
  readonly id: string;
  readonly type: string;
  readonly channel: NotificationChannel;
  /** BCP 47 primary tag, e.g. `en`, `fr`. */
  readonly language: string;
  readonly subject: string | undefined;
  readonly body: string;
  readonly active: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One notification on one channel. It stores no address: that is read when delivering. */
export interface NotificationRecord {
  readonly id: string;
  readonly type: string;
  readonly channel: NotificationChannel;
  readonly recipientId: string;
  readonly priority: NotificationPriority;
  readonly status: NotificationStatus;
  readonly subject: string | undefined;
  readonly body: string;
  readonly language: string;
  /** The domain event that caused it, if any. */
  readonly eventId: string | undefined;
  readonly attempts: number;
  /** When the next try is due (DEFERRED, FAILED); undefined otherwise. */
  readonly nextAttemptAt: string | undefined;
  readonly lastError: string | undefined;
  readonly sentAt: string | undefined;
  readonly readAt: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  /** Event types (`nexum.transaction.posted`), or `*` for all. */
  readonly events: readonly string[];
  readonly description: string | undefined;
  /** The signing secret, sealed (never stored in the clear). */
  readonly secret: SealedFields;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | undefined;
  readonly version: number;
}

export type WebhookDeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'DEAD_LETTER';

/** One event sent (and re-sent) to one endpoint; the payload is kept for retries. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly payload: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | undefined;
  readonly lastError: string | undefined;
  readonly nextAttemptAt: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/**
 * Where notification state lives. Notifications are operational records, not ledger state: each
 * write is a single conditional put (create-once or on the version read), outside the ledger's
 * unit of work, so delivery can never hold up or fail a posting.
 */
export interface NotificationStore {
  putTemplate(template: NotificationTemplate, expectedVersion?: number): Promise<boolean>;
  getTemplate(id: string): Promise<NotificationTemplate | undefined>;
  listTemplates(page: PageRequest): Promise<Page<NotificationTemplate>>;
  /** Active templates of a type and channel, every language. */
  templatesFor(
    type: string,
    channel: NotificationChannel,
  ): Promise<readonly NotificationTemplate[]>;

  getPreferences(customerId: string): Promise<NotificationPreferences | undefined>;
  putPreferences(preferences: NotificationPreferences): Promise<void>;

  /** Create-once (false when the id exists) or replace at `expectedVersion`. */
  putNotification(record: NotificationRecord, expectedVersion?: number): Promise<boolean>;
  getNotification(id: string): Promise<NotificationRecord | undefined>;
  listForRecipient(
    recipientId: string,
    filter: {
      readonly status?: NotificationStatus | undefined;
      readonly channel?: NotificationChannel | undefined;
    },
    page: PageRequest,
  ): Promise<Page<NotificationRecord>>;
  countUnread(recipientId: string): Promise<number>;
  /** Notifications in `status` whose next try is due by `dueBy`, oldest first. */
  dueNotifications(
    status: 'FAILED' | 'DEFERRED',
    dueBy: string,
    limit: number,
  ): Promise<readonly NotificationRecord[]>;
  countByStatus(): Promise<Readonly<Record<NotificationStatus, number>>>;

  putWebhook(endpoint: WebhookEndpoint, expectedVersion?: number): Promise<boolean>;
  getWebhook(id: string): Promise<WebhookEndpoint | undefined>;
  /** Live (not deleted) endpoints, newest first. */
  listWebhooks(page: PageRequest): Promise<Page<WebhookEndpoint>>;
  putDelivery(delivery: WebhookDelivery, expectedVersion?: number): Promise<boolean>;
  listDeliveries(endpointId: string, page: PageRequest): Promise<Page<WebhookDelivery>>;
  dueDeliveries(dueBy: string, limit: number): Promise<readonly WebhookDelivery[]>;
}

/** A message for a person on an out-of-band channel, with the address resolved just in time. */
export interface OutboundMessage {
  readonly notificationId: string;
  readonly channel: 'EMAIL' | 'SMS' | 'PUSH';
  readonly recipientId: string;
  /** Email address or phone number; for PUSH the recipient id (the bank's app backend fans out). */
  readonly address: string;
  readonly subject: string | undefined;
  readonly body: string;
}

/** Email (SES), SMS and push (SNS) in AWS; a JSON-lines file locally. */
export interface MessageChannels {
  send(message: OutboundMessage): Promise<void>;
}

export interface HttpPostResult {
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly latencyMs: number;
}

/** POSTs a webhook body; never throws (a timeout or refused connection is an error result). */
export interface WebhookTransport {
  post(
    url: string,
    body: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<HttpPostResult>;
  /** Whether a URL may be a webhook target here (https; no private addresses in AWS). */
  check(url: string): Promise<string | undefined>;
}

/** Everything the notification engine needs beyond the common ports. */
export interface NotificationServices {
  readonly store: NotificationStore;
  readonly messages: MessageChannels;
  readonly webhooks: WebhookTransport;
  /** Backoff base for retries (ms); tests shorten it. */
  readonly retryBaseMs: number;
}
