/**
 * `npm run bench:eod`: end-of-day interest accrual on DynamoDB Local (in memory). For each size
 * (BENCH_EOD_SIZES, default "10000,100000") a fresh table gets that many interest-bearing accounts
 * (10,000.00 at 3.65 % ACT/365), written fast with BatchWriteItem from the real item encoders
 * (account item + interest state item, as opening an account would write them; the seeding is not
 * what is measured). Then the accrue step runs over every segment of the sparse index, for three
 * consecutive dates: the later dates have history (markers, audit records) and must cost the
 * same. Reports accounts/s, total time, DynamoDB calls per account, and the ratio of the sizes'
 * times (linear means ratio ≈ size ratio). Then the loans step (BENCH_EOD_LOANS active loans,
 * default 10000, 12 monthly installments, seeded the same way) for two dates: loans/s and calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  accrueStep,
  type EndOfDayStep,
  type EodDeps,
} from '../../shared/application/interest/end-of-day';
import { INTEREST_SEGMENTS } from '../../shared/application/interest/ports';
import { loanStep } from '../../shared/application/lending/loan-end-of-day';
import { loanDocument, type Loan } from '../../shared/application/lending/loan-records';
import {
  defaultAllocationOrder,
  installmentsFromSchedule,
} from '../../shared/domain/lending/installments';
import { generateSchedule } from '../../shared/domain/lending/schedule';
import { Money, BankDecimal } from '../../shared/domain/money';
import { transactItemOf } from '../../shared/infrastructure/dynamodb/ledger-writes';
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

const loanCount = Number(process.env.BENCH_EOD_LOANS ?? '10000');
/** Segments worked on at once, as the pipeline (runEndOfDay) and the state machine's Map do. */
const concurrency = Number(process.env.BENCH_EOD_CONCURRENCY ?? '4');

/** One step over every segment, `concurrency` segments at a time; the items it went through. */
async function runStep(deps: EodDeps, step: EndOfDayStep, date: BusinessDate): Promise<number> {
  const queue = Array.from({ length: INTEREST_SEGMENTS }, (_, segment) => segment);
  let items = 0;
  const worker = async () => {
    for (let segment = queue.shift(); segment !== undefined; segment = queue.shift()) {
      // Awaited first: `items += await …` would read `items` before the wait and lose updates.
      const done = await step.run(deps, date, segment, undefined, async () => {});
      items += done.accounts;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return items;
}

const print = (line: string) => process.stdout.write(`${line}\n`);

/** An active loan disbursed 2026-02-01 (10,000.00 at 12 %, 12 × monthly from 2026-03-15). */
function benchLoan(id: string, now: string): Loan {
  const principal = Money.of('10000.00', 'USD');
  const schedule = generateSchedule({
    principal,
    annualRate: new BankDecimal('0.12'),
    method: 'EQUAL_INSTALLMENT',
    frequency: 'MONTHLY',
    dayCount: 'THIRTY_360',
    disbursementDate: businessDate('2026-02-01'),
    firstPaymentDate: businessDate('2026-03-15'),
    installments: 12,
  });
  return {
    id,
    customerId: 'BENCHCUSTOMER',
    productId: undefined,
    productVersion: undefined,
    status: 'ACTIVE',
    principal,
    annualInterestRate: '0.12',
    termMonths: 12,
    paymentFrequency: 'MONTHLY',
    amortizationMethod: 'EQUAL_INSTALLMENT',
    dayCountConvention: 'THIRTY_360',
    expectedDisbursementDate: businessDate('2026-02-01'),
    firstPaymentDate: businessDate('2026-03-15'),
    gracePeriodDays: 5,
    rounding: 'HALF_EVEN',
    allocationOrder: defaultAllocationOrder,
    lateFee: undefined,
    penaltyRate: '0',
    installments: installmentsFromSchedule(schedule),
    accountId: undefined,
    disbursedToAccountId: undefined,
    disbursementDate: businessDate('2026-02-01'),
    lastEndOfDay: businessDate('2026-03-01'),
    interestReceivable: Money.of('100.00', 'USD'), // 30E/360 Feb 1 → Mar 1: 30 days
    arrearsBucket: 'CURRENT',
    version: 1,
    audit: GENESIS,
    createdAt: now,
    updatedAt: now,
  };
}

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
  print(
    `Nexum end-of-day benchmark on DynamoDB Local (in memory), ${concurrency} of ${INTEREST_SEGMENTS} segments at a time`,
  );
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
        `\n${size.toLocaleString('en-US')} accounts preloaded with BatchWriteItem in ${((performance.now() - preloadStarted) / 1000).toFixed(1)} s (seeding, not measured)`,
      );
      const first = businessDate('2026-03-02');
      const change = businessDateChange(deps, undefined, first, 'bench', 'bench');
      if (!change.ok) throw new Error('business date');
      await deps.ledger.commit(change.value.ops);

      const seconds: number[] = [];
      const dates = [first, businessDate('2026-03-03')];
      for (const date of dates) {
        if (date !== first) {
          const before = await deps.interest.getBusinessDate();
          const next = businessDateChange(deps, before, date, 'bench', 'bench');
          if (!next.ok) throw new Error('business date');
          await deps.ledger.commit(next.value.ops);
        }
        calls.clear();
        const started = performance.now();
        const accrued = await runStep(deps, accrueStep, date);
        const elapsed = (performance.now() - started) / 1000;
        if (accrued !== size) throw new Error('accrual incomplete');
        const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
        seconds.push(elapsed);
        print(
          `  accrue ${date} (${seconds.length - 1} day(s) of history): ${elapsed.toFixed(1)} s, ${Math.round(size / elapsed).toLocaleString('en-US')} accounts/s, ` +
            `${(total / size).toFixed(3)} DynamoDB calls/account (${[...calls].map(([op, n]) => `${op} ${n}`).join(', ')})`,
        );
      }
      const gl = (await deps.ledger.glBalances()).filter((balance) => balance.code === '5000');
      const booked = gl.reduce((sum, balance) => sum + balance.debitsMinor, 0n);
      const expected = dates.length * size * 100;
      print(`  GL 5000 debits ${booked} minor units (expected ${expected})`);
      if (booked !== BigInt(expected)) throw new Error('accrual total is wrong');
      results.push({ size, seconds });

      if (size === sizes[0] && loanCount > 0) {
        const loanItems: Item[] = [];
        for (let index = 0; index < loanCount; index += 1) {
          const item = transactItemOf(
            { kind: 'putDocument', document: loanDocument(benchLoan(ids.next(), now)) },
            tableName,
            0,
          ).request.Put?.Item;
          if (item !== undefined) loanItems.push(item);
        }
        const loansStarted = performance.now();
        await batchWrite(client, tableName, loanItems);
        print(
          `  ${loanCount.toLocaleString('en-US')} active loans preloaded with BatchWriteItem in ${((performance.now() - loansStarted) / 1000).toFixed(1)} s (not measured)`,
        );
        for (const date of [businessDate('2026-03-02'), businessDate('2026-03-03')]) {
          calls.clear();
          const started = performance.now();
          const done = await runStep(deps, loanStep, date);
          const elapsed = (performance.now() - started) / 1000;
          if (done !== loanCount) throw new Error('loans incomplete');
          const total = [...calls.values()].reduce((sum, count) => sum + count, 0);
          print(
            `  loans ${date}: ${elapsed.toFixed(1)} s, ${Math.round(loanCount / elapsed).toLocaleString('en-US')} loans/s, ` +
              `${(total / loanCount).toFixed(3)} DynamoDB calls/loan (${[...calls].map(([op, n]) => `${op} ${n}`).join(', ')})`,
          );
        }
        const receivable = (await deps.ledger.glBalances()).filter((b) => b.code === '1210');
        const accrued = receivable.reduce((sum, b) => sum + b.debitsMinor - b.creditsMinor, 0n);
        // 30E/360: 2 days on 10,000.00 at 12 % = 6.67 (from 93.33 to 100.00) per loan.
        print(`  GL 1210 ${accrued} minor units (expected ${loanCount * 667})`);
        if (accrued !== BigInt(loanCount * 667)) throw new Error('loan accrual total is wrong');
      }
    }
    if (results.length >= 2) {
      const [small, large] = [results[0], results.at(-1)];
      if (small !== undefined && large !== undefined) {
        const timeRatio = (large.seconds.at(-1) ?? 0) / (small.seconds.at(-1) ?? 1);
        const perAccount = (result: { size: number; seconds: number[] }) =>
          ((result.seconds.at(-1) ?? 0) / result.size) * 1e6;
        print(
          `\nScaling ${small.size} → ${large.size} accounts (×${(large.size / small.size).toFixed(1)}): ` +
            `accrual time ×${timeRatio.toFixed(2)} (linear when close to the size ratio); ` +
            `${perAccount(small).toFixed(0)} µs vs ${perAccount(large).toFixed(0)} µs per account`,
        );
      }
    }
  } finally {
    await dynamo.stop();
  }
}

await main();
