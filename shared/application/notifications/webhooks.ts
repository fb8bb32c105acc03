import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CloudEvent } from '../../contracts/events/cloud-event';
import type { DomainError } from '../../domain/errors';
import { backoffMs, MAX_DELIVERY_ATTEMPTS } from '../../domain/notifications';
import { err, ok, type Result } from '../../domain/result';
import type { Page, PageRequest } from '../ledger/ledger-store';
import type { Dependencies } from '../ports';
import type { WebhookDelivery, WebhookEndpoint } from './ports';

type Deps = Pick<Dependencies, 'notifications' | 'clock' | 'ids' | 'logger' | 'cipher'>;

/** Seconds a receiver should accept between `t` and its own clock (documented recipe). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `Nexum-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signatureHeader(secret: string, unixSeconds: number, rawBody: string): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/** The receiver's check, as documented in docs/notifications.md (used by the tests). */
export function verifySignature(
  secret: string,
  header: string,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(
    createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'),
  );
  const given = Buffer.from(v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const newSecret = (): string => `whsec_${randomBytes(32).toString('hex')}`;
const sealedScope = (endpointId: string) => `webhook:${endpointId}`;

export interface WebhookInput {
  readonly url: string;
  readonly events: readonly string[];
  readonly description?: string | undefined;
}

/** Registers an endpoint; its signing secret is returned this once and stored sealed. */
export async function createWebhook(
  deps: Deps,
  input: WebhookInput,
): Promise<Result<{ endpoint: WebhookEndpoint; secret: string }, DomainError>> {
  const refused = await deps.notifications.webhooks.check(input.url);
  if (refused !== undefined) return err({ code: 'WEBHOOK_URL_NOT_ALLOWED', reason: refused });
  const id = deps.ids.next();
  const secret = newSecret();
  const now = deps.clock.now().toISOString();
  const endpoint: WebhookEndpoint = {
    id,
    url: input.url,
    events: [...new Set(input.events)],
    description: input.description,
    secret: await deps.cipher.seal(sealedScope(id), { secret }),
    active: true,
    createdAt: now,
    updatedAt: now,
    deletedAt: undefined,
    version: 1,
  };
  await deps.notifications.store.putWebhook(endpoint);
  return ok({ endpoint, secret });
}

export async function getWebhook(
  deps: Deps,
  id: string,
): Promise<Result<WebhookEndpoint, DomainError>> {
  const endpoint = await deps.notifications.store.getWebhook(id);
  if (endpoint === undefined || endpoint.deletedAt !== undefined) {
    return err({ code: 'NOT_FOUND', entity: 'webhook', id });
  }
  return ok(endpoint);
}

export function listWebhooks(deps: Deps, page: PageRequest): Promise<Page<WebhookEndpoint>> {
  return deps.notifications.store.listWebhooks(page);
}

/** Deletes an endpoint (soft: it leaves the list and receives nothing more). */
export async function deleteWebhook(deps: Deps, id: string): Promise<Result<void, DomainError>> {
  return change(deps, id, (endpoint, now) => ({
    ...endpoint,
    active: false,
    deletedAt: now,
  })).then((result) => (result.ok ? ok(undefined) : result));
}

/** A new signing secret, returned once; the old one stops signing at once. */
export async function rotateWebhookSecret(
  deps: Deps,
  id: string,
): Promise<Result<{ endpoint: WebhookEndpoint; secret: string }, DomainError>> {
  const secret = newSecret();
  const sealed = await deps.cipher.seal(sealedScope(id), { secret });
  const changed = await change(deps, id, (endpoint) => ({ ...endpoint, secret: sealed }));
  return changed.ok ? ok({ endpoint: changed.value, secret }) : changed;
}

async function change(
  deps: Deps,
  id: string,
  apply: (endpoint: WebhookEndpoint, now: string) => WebhookEndpoint,
): Promise<Result<WebhookEndpoint, DomainError>> {
  for (;;) {
    const current = await getWebhook(deps, id);
    if (!current.ok) return current;
    const now = deps.clock.now().toISOString();
    const next = {
      ...apply(current.value, now),
      updatedAt: now,
      version: current.value.version + 1,
    };
    if (await deps.notifications.store.putWebhook(next, current.value.version)) return ok(next);
  }
}

export function listDeliveries(
  deps: Deps,
  endpointId: string,
  page: PageRequest,
): Promise<Page<WebhookDelivery>> {
  return deps.notifications.store.listDeliveries(endpointId, page);
}

/**
 * `*` means every domain event of the catalogue. Notification messages sent through the WEBHOOK
 * channel (`nexum.notification.<type>`) carry a rendered body, which may name the customer, so
 * they go only to endpoints that ask for their type by name.
 */
const subscribed = (endpoint: WebhookEndpoint, type: string) =>
  endpoint.active &&
  (endpoint.events.includes(type) ||
    (endpoint.events.includes('*') && !type.startsWith('nexum.notification.')));

/**
 * Sends an event to every live endpoint subscribed to its type, once per endpoint: the delivery
 * item is keyed by endpoint and event id, so a redelivered event finds it and sends nothing.
 */
export async function dispatchToWebhooks(deps: Deps, event: CloudEvent): Promise<number> {
  const endpoints: WebhookEndpoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.notifications.store.listWebhooks({ limit: 200, cursor });
    endpoints.push(...page.items.filter((endpoint) => subscribed(endpoint, event.type)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  const payload = JSON.stringify(event);
  const now = deps.clock.now().toISOString();
  await Promise.all(
    endpoints.map(async (endpoint) => {
      const delivery: WebhookDelivery = {
        id: event.id,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        payload,
        status: 'PENDING',
        attempts: 0,
        lastStatusCode: undefined,
        lastError: undefined,
        nextAttemptAt: undefined,
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      if (await deps.notifications.store.putDelivery(delivery)) {
        await attemptDelivery(deps, endpoint, delivery);
      }
    }),
  );
  return endpoints.length;
}

/** One POST of a delivery, signed with the endpoint's current secret; the outcome is logged per endpoint. */
export async function attemptDelivery(
  deps: Deps,
  endpoint: WebhookEndpoint,
  delivery: WebhookDelivery,
): Promise<WebhookDelivery> {
  const { secret } = await deps.cipher.open(sealedScope(endpoint.id), endpoint.secret);
  if (secret === undefined) throw new Error(`Webhook ${endpoint.id} has no secret`);
  const nowMs = deps.clock.now().getTime();
  const result = await deps.notifications.webhooks.post(endpoint.url, delivery.payload, {
    'Content-Type': 'application/json',
    'User-Agent': 'Nexum-Webhooks/1',
    'Nexum-Signature': signatureHeader(secret, Math.floor(nowMs / 1000), delivery.payload),
    'Idempotency-Key': delivery.eventId,
    'Nexum-Event-Id': delivery.eventId,
    'Nexum-Event-Type': delivery.eventType,
  });
  const succeeded = result.status !== undefined && result.status >= 200 && result.status < 300;
  const attempts = delivery.attempts + 1;
  const dead = !succeeded && attempts >= MAX_DELIVERY_ATTEMPTS;
  const now = deps.clock.now().toISOString();
  const next: WebhookDelivery = {
    ...delivery,
    status: succeeded ? 'SUCCEEDED' : dead ? 'DEAD_LETTER' : 'FAILED',
    attempts,
    lastStatusCode: result.status,
    lastError: succeeded ? undefined : (result.error ?? `HTTP ${String(result.status)}`),
    nextAttemptAt:
      succeeded || dead
        ? undefined
        : new Date(nowMs + backoffMs(attempts, deps.notifications.retryBaseMs)).toISOString(),
    updatedAt: now,
    version: delivery.version + 1,
  };
  await deps.notifications.store.putDelivery(next, delivery.version);
  if (!succeeded) {
    deps.logger.warn('webhook delivery failed', {
      endpointId: endpoint.id,
      eventId: delivery.eventId,
      attempts,
      statusCode: result.status,
      deadLetter: dead,
    });
  }
  return next;
}

/** Retries failed deliveries whose backoff elapsed (skipping endpoints deleted since). */
export async function retryDueDeliveries(deps: Deps, limit: number) {
  const due = await deps.notifications.store.dueDeliveries(deps.clock.now().toISOString(), limit);
  const counts = { retried: 0, succeeded: 0, failed: 0, deadLettered: 0 };
  for (const delivery of due) {
    const endpoint = await deps.notifications.store.getWebhook(delivery.endpointId);
    if (endpoint === undefined || endpoint.deletedAt !== undefined) continue;
    const after = await attemptDelivery(deps, endpoint, delivery);
    counts.retried += 1;
    if (after.status === 'SUCCEEDED') counts.succeeded += 1;
    if (after.status === 'FAILED') counts.failed += 1;
    if (after.status === 'DEAD_LETTER') counts.deadLettered += 1;
  }
  return counts;
}
