import * as z from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/**
 * Every setting a function reads, from `NEXUM_*` variables. Parsed once at cold start: a missing
 * or malformed value stops the function before it serves anything, naming the variable.
 */
const EnvironmentSchema = z.object({
  NEXUM_TENANT: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,30}$/, 'lower-case letters, digits and dashes, 2-31 characters'),
  NEXUM_TABLE_NAME: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name'),
  NEXUM_DYNAMODB_ENDPOINT: z.url().optional(),
  NEXUM_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  NEXUM_VERSION: z.string().min(1).default('0.1.0'),
  NEXUM_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  NEXUM_CORS_ORIGINS: z.string().min(1).default('*'),
  NEXUM_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(6_000_000).default(65_536),
  NEXUM_VALIDATE_RESPONSES: booleanFlag.default(false),
  /** Outbox events checked against the catalogue: `strict` refuses the commit, `log` reports it. */
  NEXUM_EVENT_VALIDATION: z.enum(['strict', 'log']).default('log'),
  NEXUM_BASE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('USD'),
  NEXUM_PII_KMS_KEY_ID: z.string().min(1).optional(),
  NEXUM_KEYRING_PATH: z.string().min(1).optional(),
  NEXUM_CONFLICT_BUDGET_MS: z.coerce.number().int().min(100).max(60_000).default(8_000),
  NEXUM_JWT_KMS_KEY_ID: z.string().min(1).optional(),
  NEXUM_BLIND_INDEX_KMS_KEY_ID: z.string().min(1).optional(),
  NEXUM_JWT_KEY_PATH: z.string().min(1).optional(),
  NEXUM_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(900),
  NEXUM_LOCKOUT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  NEXUM_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(30),
  /** The Secrets Manager secret holding the first administrator's password (seed only, AWS). */
  NEXUM_ADMIN_SECRET_ARN: z.string().startsWith('arn:').optional(),
  NEXUM_PRINCIPAL_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Bastion fraud scoring; unset or empty disables it. */
  NEXUM_BASTION_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  NEXUM_BASTION_API_KEY: z.string().min(1).optional(),
  NEXUM_BASTION_TIMEOUT: z.coerce.number().min(0.05).max(30).default(2),
  NEXUM_BASTION_FALLBACK: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(['APPROVE', 'REVIEW', 'BLOCK']))
    .default('REVIEW'),
  NEXUM_BASTION_BREAKER_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  NEXUM_BASTION_BREAKER_OPEN_SECONDS: z.coerce.number().min(0.1).max(3_600).default(30),
  /** Where local email, SMS and push notifications are written (JSON lines); AWS uses SES/SNS. */
  NEXUM_NOTIFICATION_SINK_PATH: z.string().min(1).optional(),
  /** The SES sender identity for email notifications (AWS). */
  NEXUM_NOTIFICATION_EMAIL_FROM: z.string().min(3).optional(),
  /** The SNS topic push notifications are published to (AWS; the app backend fans out). */
  NEXUM_NOTIFICATION_PUSH_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  /** Lets webhooks target http://localhost (local runtime and tests only). */
  NEXUM_WEBHOOK_ALLOW_LOCALHOST: booleanFlag.default(false),
  /** The EndOfDay state machine POST /admin/eod starts (AWS); unset runs the day in-process. */
  NEXUM_EOD_STATE_MACHINE_ARN: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/,
      'a state machine ARN',
    )
    .optional(),
});

export interface Environment {
  readonly tenant: string;
  readonly tableName: string;
  readonly dynamodbEndpoint: string | undefined;
  readonly region: string;
  readonly version: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly corsOrigins: readonly string[];
  readonly maxBodyBytes: number;
  readonly validateResponses: boolean;
  /**
   * What a commit does with an outbox event whose data does not match the catalogue: `strict`
   * throws (tests: a producer bug fails loudly), `log` logs an error and commits (production).
   */
  readonly eventValidation: 'strict' | 'log';
  readonly baseCurrency: string;
  /** The tenant's KMS key for PII (AWS); otherwise `keyringPath` names a local keyring. */
  readonly piiKmsKeyId: string | undefined;
  readonly keyringPath: string | undefined;
  /** How long a command may retry optimistic conflicts before answering 409 CONFLICT. */
  readonly conflictBudgetMs: number;
  /** Access tokens are signed by this KMS key (AWS), or by a key file at `jwtKeyPath` (local). */
  readonly jwtKmsKeyId: string | undefined;
  /** The KMS HMAC key for blind indexes (AWS); locally a key file beside the keyring. */
  readonly blindIndexKmsKeyId: string | undefined;
  readonly adminSecretArn: string | undefined;
  readonly jwtKeyPath: string | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly lockout: { readonly maxFailedAttempts: number; readonly lockoutMinutes: number };
  /** How long a container trusts a resolved caller (roles, active, locked); 0 reads every time. */
  readonly principalCacheTtlSeconds: number;
  readonly bastion: {
    readonly url: string | undefined;
    readonly apiKey: string | undefined;
    readonly timeoutMs: number;
    readonly fallback: 'APPROVE' | 'REVIEW' | 'BLOCK';
    readonly breakerFailures: number;
    readonly breakerOpenMs: number;
  };
  readonly notifications: {
    /** Local file sink for email, SMS and push; undefined in AWS (SES and SNS). */
    readonly sinkPath: string | undefined;
    readonly emailFrom: string | undefined;
    readonly pushTopicArn: string | undefined;
    readonly allowLocalhostWebhooks: boolean;
  };
  /** The EndOfDay state machine that POST /admin/eod starts (AWS); undefined locally. */
  readonly endOfDayStateMachineArn: string | undefined;
}

/** Thrown when the environment is incomplete; its message lists every bad variable. */
export class EnvironmentError extends Error {
  constructor(problems: readonly string[]) {
    super(`Invalid Nexum configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvironmentError';
  }
}

/** Parses the process environment (or the given record) into typed settings. */
export function parseEnvironment(
  source: Record<string, string | undefined> = process.env,
): Environment {
  const parsed = EnvironmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new EnvironmentError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  return {
    tenant: env.NEXUM_TENANT,
    tableName: env.NEXUM_TABLE_NAME,
    dynamodbEndpoint: env.NEXUM_DYNAMODB_ENDPOINT,
    region: env.NEXUM_REGION ?? env.AWS_REGION ?? 'us-east-1',
    version: env.NEXUM_VERSION,
    logLevel: env.NEXUM_LOG_LEVEL,
    corsOrigins: env.NEXUM_CORS_ORIGINS.split(',').map((origin) => origin.trim()),
    maxBodyBytes: env.NEXUM_MAX_BODY_BYTES,
    validateResponses: env.NEXUM_VALIDATE_RESPONSES,
    eventValidation: env.NEXUM_EVENT_VALIDATION,
    baseCurrency: env.NEXUM_BASE_CURRENCY,
    piiKmsKeyId: env.NEXUM_PII_KMS_KEY_ID,
    keyringPath: env.NEXUM_KEYRING_PATH,
    conflictBudgetMs: env.NEXUM_CONFLICT_BUDGET_MS,
    jwtKmsKeyId: env.NEXUM_JWT_KMS_KEY_ID,
    blindIndexKmsKeyId: env.NEXUM_BLIND_INDEX_KMS_KEY_ID,
    adminSecretArn: env.NEXUM_ADMIN_SECRET_ARN,
    jwtKeyPath: env.NEXUM_JWT_KEY_PATH,
    accessTokenTtlSeconds: env.NEXUM_ACCESS_TOKEN_TTL_SECONDS,
    lockout: {
      maxFailedAttempts: env.NEXUM_LOCKOUT_MAX_ATTEMPTS,
      lockoutMinutes: env.NEXUM_LOCKOUT_MINUTES,
    },
    principalCacheTtlSeconds: env.NEXUM_PRINCIPAL_CACHE_TTL_SECONDS,
    bastion: {
      url: env.NEXUM_BASTION_URL,
      apiKey: env.NEXUM_BASTION_API_KEY,
      timeoutMs: Math.round(env.NEXUM_BASTION_TIMEOUT * 1000),
      fallback: env.NEXUM_BASTION_FALLBACK,
      breakerFailures: env.NEXUM_BASTION_BREAKER_FAILURES,
      breakerOpenMs: Math.round(env.NEXUM_BASTION_BREAKER_OPEN_SECONDS * 1000),
    },
    notifications: {
      sinkPath: env.NEXUM_NOTIFICATION_SINK_PATH,
      emailFrom: env.NEXUM_NOTIFICATION_EMAIL_FROM,
      pushTopicArn: env.NEXUM_NOTIFICATION_PUSH_TOPIC_ARN,
      allowLocalhostWebhooks: env.NEXUM_WEBHOOK_ALLOW_LOCALHOST,
    },
    endOfDayStateMachineArn: env.NEXUM_EOD_STATE_MACHINE_ARN,
  };
}
