/**
 * `npm run eod -- --date YYYY-MM-DD`: the end-of-day pipeline for the business date, in this
 * process, on the same table as `npm start`: `nexum-<NEXUM_TENANT>-main` (tenant `demo` by
 * default) at NEXUM_DYNAMODB_ENDPOINT, or on a DynamoDB Local started on NEXUM_DATA_DIR
 * (`.nexum/data`) when no endpoint is given (stop `npm start` first: one JVM per data directory).
 * Prints a progress bar per segment and a summary; exits 1 when the run fails.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runEndOfDay, startEndOfDay } from '../application/interest/end-of-day';
import { INTEREST_SEGMENTS } from '../application/interest/ports';
import { isBusinessDate } from '../domain/interest/business-date';
import { parseEnvironment } from '../infrastructure/environment';
import { createRuntime } from '../infrastructure/production-dependencies';
import { killGroup, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({ options: { date: { type: 'string' } } });
  const date = values.date;
  if (date === undefined || !isBusinessDate(date)) {
    process.stderr.write('Usage: npm run eod -- --date YYYY-MM-DD (the business date)\n');
    return 2;
  }
  const tenant = process.env.NEXUM_TENANT ?? 'demo';
  let dynamo: DynamoDbLocal | undefined;
  process.on('exit', () => {
    if (dynamo !== undefined) killGroup(dynamo.pid, 'SIGKILL');
  });
  const endpoint =
    process.env.NEXUM_DYNAMODB_ENDPOINT ??
    (dynamo = await startDynamoDbLocal({
      dataDir: resolve(process.env.NEXUM_DATA_DIR ?? '.nexum/data'),
    })).endpoint;
  Object.assign(process.env, {
    NEXUM_TENANT: tenant,
    NEXUM_TABLE_NAME: process.env.NEXUM_TABLE_NAME ?? `nexum-${tenant}-main`,
    NEXUM_DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    NEXUM_LOG_LEVEL: process.env.NEXUM_LOG_LEVEL ?? 'error',
  });
  const environment = parseEnvironment();
  const { dependencies } = createRuntime(environment);
  const started = await startEndOfDay(dependencies, date);
  if (!started.ok) {
    process.stderr.write(`Refused: ${JSON.stringify(started.error)}\n`);
    await dynamo?.stop();
    return 1;
  }
  const startedAt = Date.now();
  let done = 0;
  const bar = (): string => {
    const width = 30;
    const filled = Math.round((done / INTEREST_SEGMENTS) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${INTEREST_SEGMENTS} segments`;
  };
  process.stdout.write(
    `End of day ${date} (run ${started.value.id}, table ${environment.tableName})\n`,
  );
  process.stdout.write(`${bar()}\r`);
  const run = await runEndOfDay(dependencies, started.value, {
    onSegment: () => {
      done += 1;
      process.stdout.write(`${bar()}\r`);
    },
  });
  const accounts = run.segments.reduce((sum, segment) => sum + segment.accounts, 0);
  const seconds = (Date.now() - startedAt) / 1000;
  process.stdout.write(
    [
      '',
      `Status     ${run.status}${run.error === undefined ? '' : ` (${run.error})`}`,
      `Steps      ${run.steps.join(' → ')}`,
      `Accounts   ${accounts} account-steps in ${seconds.toFixed(1)} s`,
      `Retries    ${run.segments.filter((segment) => segment.attempts > 1).length} segment(s) retried`,
      `Business   ${run.advancedTo === undefined ? `still ${date}` : `now ${run.advancedTo}`}`,
      '',
    ].join('\n'),
  );
  await dynamo?.stop();
  return run.status === 'SUCCEEDED' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
