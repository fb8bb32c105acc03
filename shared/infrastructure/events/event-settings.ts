import * as z from 'zod';

/**
 * Settings of the event functions (the outbox publisher, the Kafka bridge) and of the events
 * API's DLQ depth, from their own variables so the business functions' environment is unchanged.
 */
const EventSettingsSchema = z.object({
  NEXUM_EVENT_BUS_NAME: z.string().min(1).optional(),
  NEXUM_EVENTS_DLQ_URL: z.url().optional(),
  NEXUM_EVENTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  NEXUM_EVENTS_BASE_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  KAFKA_BROKERS: z.string().min(1).optional(),
  NEXUM_KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,100}$/)
    .default('nexum'),
  /** `iam` for MSK IAM auth (AWS), `none` for a plain broker (local). */
  NEXUM_KAFKA_AUTH: z.enum(['iam', 'none']).default('none'),
});

export interface EventSettings {
  readonly busName: string | undefined;
  readonly deadLetterQueueUrl: string | undefined;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly kafkaTopicPrefix: string;
  readonly kafkaIam: boolean;
}

export function parseEventSettings(
  source: Record<string, string | undefined> = process.env,
): EventSettings {
  const env = EventSettingsSchema.parse(source);
  return {
    busName: env.NEXUM_EVENT_BUS_NAME,
    deadLetterQueueUrl: env.NEXUM_EVENTS_DLQ_URL,
    maxAttempts: env.NEXUM_EVENTS_MAX_ATTEMPTS,
    baseDelayMs: env.NEXUM_EVENTS_BASE_DELAY_MS,
    kafkaBrokers: env.KAFKA_BROKERS?.split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker !== ''),
    kafkaTopicPrefix: env.NEXUM_KAFKA_TOPIC_PREFIX,
    kafkaIam: env.NEXUM_KAFKA_AUTH === 'iam',
  };
}
