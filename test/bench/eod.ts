/**
 * `npm run bench:eod`: end-of-day interest accrual on DynamoDB Local (in memory). For each size
 * (BENCH_EOD_SIZES, default "10000,100000") a fresh table gets that many interest-bearing accounts
 * (10,000.00 at 3.65 % ACT/365), written fast with BatchWriteItem from the real item encoders
 * (account item + interest state item, as opening an account would write them). Then the accrue
 * step runs over every segment of the sparse index, for two consecutive dates: the second date
 * has history (markers, audit records) and must cost the same. Reports accounts/s, total time,
 * DynamoDB calls per account, and the ratio of the sizes' times (linear means ratio ≈ size ratio).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runStepForDate, accrueStep } from '../../shared/application/interest/end-of-day';
import { interestOpeningOps } from '../../shared/application/interest/account-interest';
import { businessDateChange } from '../../shared/application/interest/business-date';
import { seedSystem } from '../../shared/application/seed-system';
import { mainTable } from '../../shared/contracts/tables';
import { businessDate, type BusinessDate } from '../../shared/domain/interest/business-date';
import type { Account } from '../../shared/domain/ledger/account';
import { GENESIS } from '../../shared/application/audit/audit-chain';
import { createDocumentClient } from '../../shared/infrastructure/dynamodb/document-client';
import { interestStateItem } from '../../shared/infrastructure/dynamodb/interest-items';
import { accountItem, type Item } from '../../shared/infrastructure/dynamodb/ledger-items';
import { ensureTable } from '../../shared/infrastructure/dynamodb/table-admin';
import { parseEnvironment } from '../../shared/infrastructure/environment';
import { createRuntime } from '../../shared/infrastructure/production-dependencies';
import { ulidGenerator } from '../../shared/infrastructure/ulid-generator';
import { killGroup, startDynamoDbLocal } from '../../shared/local/dynamodb-local';

const sizes = (process.env.BENCH_EOD_SIZES ?? '10000,100000')
  .split(',')
  .map((size) => Number(size.trim()))
  .filter((size) => Number.isInteger(size) && size > 0);

const print = (line: string) => process.stdout.write(`${line}\n`);

async function batchWrite(client: DynamoDBDocumentClient, table: string, items: Item[]) {
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  const worker = async () => {
    for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) {
      let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const output = await client.send(
          new BatchWriteCommand({ RequestItems: { [table]: pending } }),
        );
        pending = (output.UnprocessedItems?.[table] ?? []).flatMap((request) =>
          request.PutRequest?.Item === undefined
            ? []
            : [{ PutRequest: { Item: request.PutRequest.Item } }],
        );
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  print('Nexum end-of-day accrual benchmark on DynamoDB Local (in memory)');
  const dynamo = await startDynamoDbLocal({});
  process.on('exit', () => killGroup(dynamo.pid, 'SIGKILL'));
  const results: { size: number; seconds: number[] }[] = [];
  try {
    for (const size of sizes) {
      const tableName = `nexum-bench-eod-${size}`;
      Object.assign(process.env, {
        NEXUM_TENANT: 'bench',
        NEXUM_TABLE_NAME: tableName,
        NEXUM_DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_REGION: 'us-east-1',
        NEXUM_LOG_LEVEL: 'error',
      });
      const environment = parseEnvironment();
      const admin = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: environment.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await ensureTable(admin, tableName, mainTable);
      admin.destroy();
      const calls = new Map<string, number>();
      const metrics = {
        onCall: (operation: string) => calls.set(operation, (calls.get(operation) ?? 0) + 1),
      };
      const { dependencies: deps } = createRuntime(environment, { metrics });
      await seedSystem(deps);
      const client = createDocumentClient({
        region: environment.region,
        endpoint: dynamo.endpoint,
      });

      const preloadStarted = performance.now();
      const ids = ulidGenerator();
      const now = new Date().toISOString();
      const items: Item[] = [];
      for (let index = 0; index < size; index += 1) {
        const account: Account = {
          id: ids.next(),
          customerId: 'BENCHCUSTOMER',
          productType: 'SAVINGS',
          currency: 'USD',
          name: `Savings ${index}`,
          status: 'ACTIVE',
          balanceMinor: 1_000_000n,
          holdsMinor: 0n,
          overdraftLimitMinor: 0n,
          controlAccount: '2000',
          version: 1,
          audit: GENESIS,
          createdAt: now,
          updatedAt: now,
        };
        items.push(accountItem(account));
        for (const op of interestOpeningOps(
          account,
          { rate: '0.0365', dayCount: 'ACTUAL_365', postingFrequency: 'MONTHLY' },
          'bench',
          now,
        )) {
          if (op.kind === 'putInterestState') items.push(interestStateItem(op.after));
        }
      }
      await batchWrite(client, tableName, items);
      print(
        `\n${size.toLocaleString('en-US')} accounts preloaded with BatchWriteItem in ${((performance.now() - preloadStarted) / 1000).toFixed(1)} s`,
      );
      const first = businessDate('2026-03-02');
      const change = businessDateChange(deps, undefined, first, 'bench', 'bench');
      if (!change.ok) throw new Error('business date');
      await deps.ledger.commit(change.value.ops);

      const seconds: number[] = [];
      for (const date of [first, businessDate('2026-03-03')] as BusinessDate[]) {
        if (date !== first) {
          const before = await deps.interest.getBusinessDate();
          const next = businessDateChange(deps, before, date, 'bench', 'bench');
          if (!next.ok) throw new Error('business date');
          await deps.ledger.commit(next.value.ops);
        }
        calls.clear();
        const started = performance.now();
        const result = await runStepForDate(deps, accrueStep, date);
        const elapsed = (performance.now() - started) / 1000;
        if (!result.ok || result.value.accounts !== size) throw new Error('accrual incomplete');
        const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
        seconds.push(elapsed);
        print(
          `  accrue ${date}: ${elapsed.toFixed(1)} s, ${Math.round(size / elapsed).toLocaleString('en-US')} accounts/s, ` +
            `${(total / size).toFixed(3)} DynamoDB calls/account (${[...calls].map(([op, n]) => `${op} ${n}`).join(', ')})`,
        );
      }
      const gl = (await deps.ledger.glBalances()).filter((balance) => balance.code === '5000');
      const booked = gl.reduce((sum, balance) => sum + balance.debitsMinor, 0n);
      print(`  GL 5000 debits ${booked} minor units (expected ${2 * size * 100})`);
      if (booked !== BigInt(2 * size * 100)) throw new Error('accrual total is wrong');
      results.push({ size, seconds });
    }
    if (results.length >= 2) {
      const [small, large] = [results[0], results.at(-1)];
      if (small !== undefined && large !== undefined) {
        const timeRatio = (large.seconds[1] ?? 0) / (small.seconds[1] ?? 1);
        print(
          `\nScaling ${small.size} → ${large.size} accounts (×${(large.size / small.size).toFixed(1)}): ` +
            `accrual time ×${timeRatio.toFixed(2)} (linear when close to the size ratio)`,
        );
      }
    }
  } finally {
    await dynamo.stop();
  }
}

await main();
