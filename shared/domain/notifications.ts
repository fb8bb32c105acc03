/**
 * Notification rules with no I/O: template rendering, channel choice from preferences, quiet
 * hours and retry backoff. Times are passed in (ISO instants), never read from a clock.
 */
export const notificationChannels = ['EMAIL', 'SMS', 'PUSH', 'WEBHOOK', 'IN_APP'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export const notificationPriorities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type NotificationPriority = (typeof notificationPriorities)[number];

/**
 * PENDING: not tried yet; DEFERRED: waiting out quiet hours; SENT: handed to the channel;
 * FAILED: a try failed, retried after a backoff; DEAD_LETTER: out of tries; SKIPPED: nothing to
 * deliver to (no address, opted out after queuing).
 */
export type NotificationStatus =
  'PENDING' | 'DEFERRED' | 'SENT' | 'FAILED' | 'DEAD_LETTER' | 'SKIPPED';

/** Types with a default channel list; any other lower_snake type falls back to EMAIL + IN_APP. */
export const defaultChannels: Readonly<Record<string, readonly NotificationChannel[]>> = {
  transaction_alert: ['EMAIL', 'IN_APP'],
  large_transaction: ['EMAIL', 'SMS'],
  suspicious_activity: ['WEBHOOK', 'EMAIL'],
  payment_due: ['SMS', 'EMAIL'],
  payment_overdue: ['SMS', 'EMAIL'],
  loan_payment_due: ['SMS', 'EMAIL', 'IN_APP'],
  kyc_updated: ['EMAIL', 'IN_APP'],
  account_frozen: ['EMAIL', 'SMS'],
  otp_verification: ['SMS'],
  password_reset: ['EMAIL'],
};

export interface NotificationPreferences {
  readonly customerId: string;
  /** Per notification type, the channels the customer wants (replaces the defaults). */
  readonly channels: Readonly<Record<string, readonly NotificationChannel[]>>;
  /** Channels the customer refuses for every type. */
  readonly optOutChannels: readonly NotificationChannel[];
  /** Types the customer refuses on every channel. */
  readonly optOutTypes: readonly string[];
  /** `HH:MM` in UTC; a window may wrap midnight (22:00–07:00). */
  readonly quietHours: { readonly start: string; readonly end: string } | undefined;
  readonly language: string | undefined;
  readonly updatedAt: string;
}

/**
 * The channels a notification of `type` goes to: those asked for (or the customer's choice, or
 * the type's default), minus every opt-out. Opting out of a type silences it entirely.
 */
export function channelsFor(
  type: string,
  requested: readonly NotificationChannel[] | undefined,
  preferences: NotificationPreferences | undefined,
): NotificationChannel[] {
  if (preferences?.optOutTypes.includes(type) === true) return [];
  const chosen = requested ??
    preferences?.channels[type] ??
    defaultChannels[type] ?? ['EMAIL', 'IN_APP'];
  const refused = new Set(preferences?.optOutChannels ?? []);
  return [...new Set(chosen)].filter((channel) => !refused.has(channel));
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * How long a notification waits: 0 outside the quiet window (or for CRITICAL), otherwise the
 * milliseconds until the window ends. Deferred, never dropped. `nowIso` is an ISO instant in UTC.
 */
export function quietDelayMs(
  nowIso: string,
  quietHours: NotificationPreferences['quietHours'],
  priority: NotificationPriority,
): number {
  if (quietHours === undefined || priority === 'CRITICAL') return 0;
  const minute = minutesOf(nowIso.slice(11, 16));
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  if (start === end) return 0;
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return 0;
  const intoMinuteMs = Number(nowIso.slice(17, 19)) * 1000 + Number(nowIso.slice(20, 23) || '0');
  return ((end - minute + 1440) % 1440) * 60_000 - intoMinuteMs;
}

/** Tries before DEAD_LETTER, and the exponential backoff between them (30 s, 1 min, 2 min…). */
export const MAX_DELIVERY_ATTEMPTS = 5;
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 3_600_000;

/** The delay before try `attempt + 1` after `attempt` failed ones (attempt ≥ 1). */
export function backoffMs(attempt: number, baseMs = RETRY_BASE_MS): number {
  return Math.min(RETRY_MAX_MS, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** `{{name}}` placeholders, optionally padded with spaces. */
const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(placeholder)].map((match) => match[1] ?? ''))];
}

/** Fills `{{name}}` from `variables`; a missing variable is reported, never rendered empty. */
export function renderTemplate(
  text: string,
  variables: Readonly<Record<string, string>>,
):
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly missing: string[] } {
  const missing = placeholdersOf(text).filter((name) => variables[name] === undefined);
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    text: text.replace(placeholder, (_all, name: string) => variables[name] ?? ''),
  };
}
