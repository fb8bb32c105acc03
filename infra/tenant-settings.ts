import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/** Where the tenant files live: `infra/tenants/<name>.json`, one per bank. */
export const tenantsDirectory = fileURLToPath(new URL('./tenants/', import.meta.url));

/**
 * A tenant name becomes part of stack, table, bus and key alias names and of a file path, so it is
 * the same narrow shape the functions accept in NEXUM_TENANT (lower-case, 2-31 characters). The
 * file lookup relies on it: no dot or slash can get through, so no path traversal either.
 */
export const tenantNamePattern = /^[a-z][a-z0-9-]{1,30}$/;

/** The retention periods CloudWatch Logs accepts; any other number fails at deploy time. */
export const logRetentionChoices = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** WAF rejects a rate-based rule below 10 requests per evaluation window. */
export const wafMinimumRequestsPerWindow = 10;

// Amounts are decimal strings, never numbers (STYLE 6-7): a JSON number would pass through a float.
const positiveDecimal = z
  .string()
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'a decimal string such as "10000.00"')
  .refine((value) => /[1-9]/.test(value), 'must be greater than zero');

// Node's Intl knows the ISO 4217 list, so a typo like "EUD" fails here rather than in production.
const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"')
  .refine((code) => Intl.supportedValuesOf('currency').includes(code), 'not an ISO 4217 code');

// An Origin header value: scheme, host and optional port, no path and no trailing slash.
const corsOrigin = z.union([
  z.literal('*'),
  z
    .string()
    .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/, 'an origin such as https://app.bank.example'),
]);

/**
 * Sign-in and token settings, passed to the business functions as NEXUM_ACCESS_TOKEN_TTL_SECONDS,
 * NEXUM_LOCKOUT_MAX_ATTEMPTS and NEXUM_LOCKOUT_MINUTES. Defaults and bounds are those of
 * shared/infrastructure/environment.ts, so a tenant file cannot deploy a value the functions would
 * refuse at cold start (test/infra/tenant-settings.test.ts checks both bounds against it).
 */
export const SecuritySettingsSchema = z.strictObject({
  /** Lifetime of an access token; a refresh token obtains the next one. */
  accessTokenTtlSeconds: z.number().int().min(60).max(3_600).default(900),
  /** Consecutive failed sign-ins that lock a user. */
  lockoutMaxAttempts: z.number().int().min(1).max(100).default(5),
  /** How long a locked user stays locked. */
  lockoutMinutes: z.number().int().min(1).max(10_080).default(30),
});

/**
 * When and how wide the end of day runs (infra/constructs/end-of-day.ts): daily at `schedule`
 * ("HH:MM", the bank's cut-off) in `timezone` (IANA), with up to `segments` of the
 * INTEREST_SEGMENTS (8) segments worked on at once.
 */
/** The segments of the end-of-day indexes (INTEREST_SEGMENTS in shared/application; a test pins it). */
export const endOfDaySegments = 8;

export const EndOfDaySettingsSchema = z.strictObject({
  schedule: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day such as "22:00"')
    .default('22:00'),
  timezone: z
    .string()
    .refine(
      (zone) => zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone),
      'an IANA time zone such as "Europe/Berlin"',
    )
    .default('UTC'),
  segments: z.number().int().min(1).max(endOfDaySegments).default(endOfDaySegments),
});

const KafkaSettingsSchema = z.strictObject({
  clusterArn: z.string().regex(/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/.+$/),
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/),
  subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/)).min(1),
  securityGroupId: z.string().regex(/^sg-[0-9a-f]+$/),
  topicPrefix: z.string().regex(/^[a-zA-Z0-9._-]{1,100}$/),
  /** The cluster's SASL/IAM bootstrap string (`b-1.<cluster>…:9098,b-2…:9098`). */
  bootstrapBrokers: z
    .string()
    .regex(/^[a-zA-Z0-9.-]+:\d{2,5}(,[a-zA-Z0-9.-]+:\d{2,5})*$/, 'host:port[,host:port…]'),
});

/**
 * Everything that differs between two banks running Nexum. Objects are strict, so a misspelt key
 * in a tenant file is an error instead of a silently ignored setting.
 */
export const TenantSettingsSchema = z.strictObject({
  name: z
    .string()
    .regex(tenantNamePattern, 'lower-case letters, digits and dashes, 2-31 characters'),
  /** Without an account the stacks are environment-agnostic (the deployer's credentials decide). */
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-central-1'),
  displayName: z.string().min(1).max(100),
  baseCurrency: currencyCode,
  branding: z.strictObject({
    primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour such as #0b5fff'),
    logoUrl: z.url({ protocol: /^https$/ }).optional(),
  }),
  limits: z.strictObject({
    maxSingleTransaction: positiveDecimal,
    dailyWithdrawal: positiveDecimal,
  }),
  rateLimit: z.strictObject({
    /** Per client (API key) in the usage plan and per source IP in WAF, over one minute. */
    requestsPerMinute: z
      .number()
      .int()
      .min(wafMinimumRequestsPerWindow)
      .max(2_000_000_000)
      .default(60),
    /** Token-bucket burst per client in the usage plan. */
    burst: z.number().int().min(1).max(5_000).default(20),
    /**
     * The stage-wide ceiling for all clients together. It keeps one tenant from consuming the
     * account's regional API Gateway quota (10,000 rps) that other tenants in the account share.
     */
    stageRequestsPerSecond: z.number().int().min(1).max(10_000).default(100),
    stageBurst: z.number().int().min(1).max(5_000).default(200),
  }),
  alarmEmail: z.email(),
  corsOrigins: z
    .array(corsOrigin)
    .min(1)
    .refine((origins) => !origins.includes('*') || origins.length === 1, {
      message: '"*" allows every origin and cannot be combined with others',
    }),
  logRetentionDays: z
    .number()
    .int()
    .refine((days) => (logRetentionChoices as readonly number[]).includes(days), {
      message: `one of CloudWatch's retention periods: ${logRetentionChoices.join(', ')}`,
    }),
  /** Optional; every field has its default. */
  security: SecuritySettingsSchema.prefault({}),
  /** Optional; every field has its default. */
  endOfDay: EndOfDaySettingsSchema.prefault({}),
  kafka: KafkaSettingsSchema.optional(),
});

/** Tenant settings as written in a tenant file (defaults not yet applied). */
export type TenantSettingsInput = z.input<typeof TenantSettingsSchema>;

/** Validated tenant settings, with defaults applied. */
export type TenantSettings = z.output<typeof TenantSettingsSchema>;

/** A tenant file is missing, unreadable or invalid; the message says which and why. */
export class TenantSettingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TenantSettingsError';
  }
}

/** The tenant names that have a settings file. */
export function availableTenants(directory: string = tenantsDirectory): string[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Validates settings given as data (tests use this to try tenants that have no file). */
export function parseTenantSettings(data: unknown, source = 'tenant settings'): TenantSettings {
  const parsed = TenantSettingsSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new TenantSettingsError(`Invalid ${source}:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** Reads and validates `infra/tenants/<name>.json`. */
export function loadTenantSettings(
  name: string,
  directory: string = tenantsDirectory,
): TenantSettings {
  if (!tenantNamePattern.test(name)) {
    throw new TenantSettingsError(
      `Invalid tenant name "${name}": use lower-case letters, digits and dashes (2-31 characters)`,
    );
  }
  const file = join(directory, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const known = availableTenants(directory);
    throw new TenantSettingsError(
      `No settings for tenant "${name}" (${file}). Available tenants: ${known.join(', ') || 'none'}`,
      { cause },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new TenantSettingsError(`${file} is not valid JSON`, { cause });
  }
  const settings = parseTenantSettings(data, file);
  // The file name is how operators select a tenant; a mismatch would deploy one bank's settings
  // under another bank's name.
  if (settings.name !== name) {
    throw new TenantSettingsError(`${file} declares name "${settings.name}", expected "${name}"`);
  }
  return settings;
}
