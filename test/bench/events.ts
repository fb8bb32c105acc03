/**
 * `npm run bench:events`: domain events, webhooks and fraud scoring on DynamoDB Local (in memory).
 *
 * 1. Outbox → publisher → EventBridge: BENCH_EVENTS (default 2,000) outbox events as postings
 *    write them (preloaded with BatchWriteItem: bench:ledger measures postings); the publisher (the AWS path's use case, publishOutboxEvents) reads the pending index
 *    and sends them to a recording EventBridge client through the real EventBridgeBus adapter
 *    (PutEvents batches of at most 10 entries and 256 KB), then marks them published.
 * 2. Outbox → local dispatcher: as many new events, delivered by OutboxDispatcher (npm start's
 *    path) to an in-process subscriber and marked published.
 * 3. Webhooks: BENCH_WEBHOOKS (default 500) events delivered by dispatchToWebhooks to a local
 *    HTTP receiver that verifies every `Nexum-Signature` (16 at a time).
 * 4. Fraud scoring: BENCH_FRAUD_TRANSFERS (default 200) sequential in-process transfers each with
 *    scoring off, a local Bastion stub answering at 0 ms and at 50 ms, and Bastion down with the
 *    circuit breaker open; p50/p99 per transfer and the latency scoring adds to the median.
 *
 * Every event is checked to arrive exactly once; numbers depend on the machine (2 shared cores).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toCloudEvent } from '../../shared/application/events/cloud-events';
import { OutboxDispatcher } from '../../shared/application/events/dispatcher';
import { publishOutboxEvents } from '../../shared/application/events/publisher';
import type { FraudScorer } from '../../shared/application/fraud/fraud-scoring';
import { disabledFraudScorer } from '../../shared/application/fraud/fraud-scoring';
import { createCustomer, updateKyc } from '../../shared/application/customers';
import { openAccount } from '../../shared/application/ledger/accounts';
import { deposit, transfer } from '../../shared/application/ledger/move-money';
import { createWebhook, dispatchToWebhooks } from '../../shared/application/notifications/webhooks';
import type { Dependencies } from '../../shared/application/ports';
import { seedSystem } from '../../shared/application/seed-system';
import type { CloudEvent } from '../../shared/contracts/events/cloud-event';
import { eventDataProblems } from '../../shared/contracts/events/catalogue';
import { mainTable } from '../../shared/contracts/tables';
import type { OutboxEvent } from '../../shared/application/ledger/records';
import type { OutboxStore } from '../../shared/application/events/ports';
import { createDocumentClient } from '../../shared/infrastructure/dynamodb/document-client';
import { transactItemOf } from '../../shared/infrastructure/dynamodb/ledger-writes';
import { Money } from '../../shared/domain/money';
import { EventBridgeBus } from '../../shared/infrastructure/events/eventbridge-bus';
import { BastionFraudScorer } from '../../shared/infrastructure/fraud/bastion-client';
import { ensureTable } from '../../shared/infrastructure/dynamodb/table-admin';
import { parseEnvironment } from '../../shared/infrastructure/environment';
import { createRuntime } from '../../shared/infrastructure/production-dependencies';
import { killGroup, startDynamoDbLocal } from '../../shared/local/dynamodb-local';
import { createLogger } from '../../shared/observability/logger';
import { startFakeBastion } from '../support/fake-bastion';

const count = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const EVENTS = count('BENCH_EVENTS', 2_000);
const WEBHOOKS = count('BENCH_WEBHOOKS', 500);
const TRANSFERS = count('BENCH_FRAUD_TRANSFERS', 200);
const ACCOUNTS = 20;

const endpoints = new WeakMap<Dependencies, string>();
const endpointOf = (deps: Dependencies) => endpoints.get(deps) ?? '';
const print = (line: string) => process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString('en-US');
const percentile = (samples: readonly number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const context = {
  actor: 'bench',
  idempotency: undefined,
  render: () => ({ status: 200, body: '', headers: {} }),
};

function must<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`bench setup failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** A KYC-verified (tier 3) customer with one USD account; returns the account id. */
async function anAccount(deps: Dependencies, index: number): Promise<string> {
  const customer = must(
    await createCustomer(
      deps,
      { firstName: 'Bench', lastName: `Customer ${index}`, email: `bench${index}@example.com` },
      context,
    ),
  );
  if (customer.replayed) throw new Error('unexpected replay');
  must(await updateKyc(deps, customer.value.id, { status: 'VERIFIED', tier: 3 }, context));
  const opened = must(
    await openAccount(
      deps,
      {
        customerId: customer.value.id,
        productType: 'CHECKING',
        currency: 'USD',
        name: undefined,
        overdraftLimit: undefined,
      },
      context,
    ),
  );
  if (opened.replayed) throw new Error('unexpected replay');
  return opened.value.id;
}

/**
 * `n` outbox events as postings write them (`nexum.transaction.posted` of a 1.00 deposit, the
 * item from the same encoder a commit uses), written fast with BatchWriteItem: the publishers are
 * measured, not the postings (bench:ledger measures those). Checked against the catalogue.
 */
async function makeEvents(deps: Dependencies, table: string, n: number) {
  const now = Math.floor(Date.now() / 1000);
  const items = Array.from({ length: n }, (_, i) => {
    const transactionId = deps.ids.next();
    const event: OutboxEvent = {
      id: deps.ids.next(),
      type: 'nexum.transaction.posted',
      aggregateType: 'transaction',
      aggregateId: transactionId,
      sequence: 1,
      occurredAt: new Date().toISOString(),
      data: {
        transactionId,
        journalEntryId: deps.ids.next(),
        type: 'DEPOSIT',
        amount: '100',
        currency: 'USD',
        toAccountId: `bench-account-${i % ACCOUNTS}`,
      },
    };
    const problems = eventDataProblems(event.type, event.data);
    if (problems.length > 0) throw new Error(problems.join('; '));
    const { request } = transactItemOf({ kind: 'putEvent', event }, table, now);
    if (request.Put?.Item === undefined) throw new Error('an outbox event is a Put');
    return request.Put.Item;
  });
  const client = createDocumentClient({ region: 'us-east-1', endpoint: endpointOf(deps) });
  const chunks: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let chunk = chunks.shift(); chunk !== undefined; chunk = chunks.shift()) {
        let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const output = await client.send(
            new BatchWriteCommand({ RequestItems: { [table]: pending } }),
          );
          pending = (output.UnprocessedItems?.[table] ?? []).flatMap((r) =>
            r.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: r.PutRequest.Item } }],
          );
        }
      }
    }),
  );
}

/** An EventBridge client that accepts every entry and remembers each PutEvents call. */
function recordingEventBridge() {
  const calls: { entries: number; bytes: number; ids: string[] }[] = [];
  const client = {
    send: (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      calls.push({
        entries: entries.length,
        bytes: entries.reduce(
          (sum, e) =>
            sum +
            14 +
            Buffer.byteLength(e.Source ?? '') +
            Buffer.byteLength(e.DetailType ?? '') +
            Buffer.byteLength(e.Detail ?? ''),
          0,
        ),
        ids: entries.map((e) => (JSON.parse(e.Detail ?? '{}') as CloudEvent).id),
      });
      return Promise.resolve({
        FailedEntryCount: 0,
        Entries: entries.map((_, i) => ({ EventId: `eb-${calls.length}-${i}` })),
      });
    },
  } as unknown as EventBridgeClient;
  return { client, calls };
}

async function benchPublisher(deps: Dependencies, table: string) {
  print(`\n1. Outbox → publisher → EventBridge (recording client), ${EVENTS} events`);
  await makeEvents(deps, table, EVENTS);
  const { client, calls } = recordingEventBridge();
  const spent = { read: 0, mark: 0 };
  const timedOutbox: OutboxStore = {
    ...deps.outbox,
    listPending: async (limit) => {
      const started = performance.now();
      const pending = await deps.outbox.listPending(limit);
      spent.read += performance.now() - started;
      return pending;
    },
    markPublished: async (ids, at) => {
      const started = performance.now();
      await deps.outbox.markPublished(ids, at);
      spent.mark += performance.now() - started;
    },
    markDeadLettered: (ids, failure) => deps.outbox.markDeadLettered(ids, failure),
    recordFailure: (id, failure) => deps.outbox.recordFailure(id, failure),
    listEvents: (filter, page) => deps.outbox.listEvents(filter, page),
    status: () => deps.outbox.status(),
  };
  const publisherDeps = {
    bus: new EventBridgeBus(client, 'nexum-bench'),
    deadLetters: { send: () => Promise.reject(new Error('nothing should be dead-lettered')) },
    outbox: timedOutbox,
    clock: deps.clock,
    logger: deps.logger,
  };
  const options = {
    tenant: 'bench',
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 2_000,
    sleep: (ms: number) => new Promise<void>((wake) => setTimeout(wake, ms)),
  };
  const started = performance.now();
  let published = 0;
  for (;;) {
    // What one stream batch (100 records) hands the publisher Lambda.
    const pending = await timedOutbox.listPending(100);
    if (pending.length === 0) break;
    published += (await publishOutboxEvents(publisherDeps, pending, options)).published;
  }
  const elapsed = performance.now() - started;
  const ids = calls.flatMap((call) => call.ids);
  if (new Set(ids).size !== ids.length) throw new Error('an event was published twice');
  const maxEntries = Math.max(...calls.map((call) => call.entries));
  const maxBytes = Math.max(...calls.map((call) => call.bytes));
  print(
    `   published ${published} events (${ids.length} distinct ids) in ${(elapsed / 1000).toFixed(1)} s: ` +
      `${rate(published, elapsed)} events/s; ${calls.length} PutEvents calls, ` +
      `≤ ${maxEntries} entries and ≤ ${maxBytes.toLocaleString('en-US')} bytes each (limits 10, 262,144)`,
  );
  print(
    `   time in DynamoDB: reading the pending index ${(spent.read / 1000).toFixed(1)} s, ` +
      `marking published ${(spent.mark / 1000).toFixed(1)} s (one UpdateItem per event); ` +
      `the rest (batching, the recording bus) ${((elapsed - spent.read - spent.mark) / 1000).toFixed(1)} s`,
  );
  return { eventsPerSecond: (published * 1000) / elapsed };
}

async function benchDispatcher(deps: Dependencies, table: string) {
  print(`\n2. Outbox → local dispatcher (npm start's path), ${EVENTS} events`);
  await makeEvents(deps, table, EVENTS);
  const seen = new Map<string, number>();
  const dispatcher = new OutboxDispatcher(
    { outbox: deps.outbox, clock: deps.clock, logger: deps.logger },
    {
      tenant: 'bench',
      intervalMs: 0,
      batchSize: 100,
      maxAttempts: 8,
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
    },
  );
  dispatcher.subscribe((event) => {
    seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
    return Promise.resolve();
  });
  const started = performance.now();
  let delivered = 0;
  for (;;) {
    const report = await dispatcher.pollOnce();
    if (report.delivered === 0 && report.failed === 0) break;
    delivered += report.delivered;
  }
  const elapsed = performance.now() - started;
  if ([...seen.values()].some((times) => times !== 1)) throw new Error('an event came twice');
  print(
    `   delivered and marked ${delivered} events in ${(elapsed / 1000).toFixed(1)} s: ` +
      `${rate(delivered, elapsed)} events/s (batches of 100, each exactly once)`,
  );
  return { eventsPerSecond: (delivered * 1000) / elapsed };
}

/** A local receiver that checks every signature with the documented recipe. */
async function signedReceiver(secretOf: () => string) {
  const tally = { received: 0, valid: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = String(request.headers['nexum-signature'] ?? '');
      const [t, v1] = header.split(',').map((part) => part.split('=')[1] ?? '');
      const expected = createHmac('sha256', secretOf()).update(`${t}.${raw}`).digest('hex');
      tally.received += 1;
      if (
        v1 !== undefined &&
        v1.length === expected.length &&
        timingSafeEqual(Buffer.from(v1), Buffer.from(expected))
      ) {
        tally.valid += 1;
      }
      response.writeHead(200);
      response.end('ok');
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/hooks`,
    tally,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function benchWebhooks(deps: Dependencies) {
  print(`\n3. Webhook deliveries to a local HTTP receiver (signed, verified), ${WEBHOOKS} events`);
  let secret = '';
  const receiver = await signedReceiver(() => secret);
  try {
    const created = must(
      await createWebhook(deps, {
        url: receiver.url,
        events: ['nexum.transaction.posted'],
        description: 'bench',
      }),
    );
    secret = created.secret;
    const events: CloudEvent[] = Array.from({ length: WEBHOOKS }, (_, i) =>
      toCloudEvent(
        {
          id: deps.ids.next(),
          type: 'nexum.transaction.posted',
          aggregateType: 'transaction',
          aggregateId: `bench-${i}`,
          sequence: 1,
          occurredAt: new Date().toISOString(),
          data: {
            transactionId: `bench-${i}`,
            journalEntryId: `entry-${i}`,
            type: 'DEPOSIT',
            amount: '100',
            currency: 'USD',
            toAccountId: 'bench-account',
          },
        },
        'bench',
      ),
    );
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < events.length; i = next++) {
        const started = performance.now();
        await dispatchToWebhooks(deps, events[i] as CloudEvent);
        latencies.push(performance.now() - started);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: 16 }, worker));
    const elapsed = performance.now() - started;
    if (receiver.tally.received !== WEBHOOKS || receiver.tally.valid !== WEBHOOKS) {
      throw new Error(`received ${receiver.tally.received}, valid ${receiver.tally.valid}`);
    }
    print(
      `   ${WEBHOOKS} deliveries in ${(elapsed / 1000).toFixed(1)} s: ${rate(WEBHOOKS, elapsed)} deliveries/s, ` +
        `all signatures valid; per delivery p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms (delivery log write, POST, status update)`,
    );
    return { deliveriesPerSecond: (WEBHOOKS * 1000) / elapsed };
  } finally {
    await receiver.close();
  }
}

async function benchFraud(deps: Dependencies) {
  print(`\n4. Fraud scoring in the posting path, ${TRANSFERS} sequential transfers per case`);
  const [from, to] = [await anAccount(deps, ACCOUNTS), await anAccount(deps, ACCOUNTS + 1)];
  must(await deposit(deps, { accountId: from, amount: Money.of('5000.00', 'USD') }, context));
  const bastion = await startFakeBastion();
  const quiet = createLogger({ level: 'error', sink: () => undefined });
  const scorerWith = (url: string) =>
    new BastionFraudScorer(
      {
        url,
        apiKey: 'bench',
        timeoutMs: 2_000,
        // APPROVE keeps every case on the same posting path (REVIEW would hold, not book).
        fallback: 'APPROVE',
        breakerFailures: 5,
        breakerOpenMs: 600_000,
      },
      quiet,
    );
  const transferOnce = async (fraud: FraudScorer) => {
    const outcome = must(
      await transfer(
        { ...deps, fraud },
        { fromAccountId: from, toAccountId: to, amount: Money.of('1.00', 'USD') },
        context,
      ),
    );
    if (!outcome.replayed && outcome.value.status !== 'POSTED') throw new Error('not posted');
  };
  try {
    bastion.mode = { kind: 'answer', action: 'APPROVE', score: 0.05, reasons: [] };
    const slowBastion = await startFakeBastion();
    slowBastion.mode = { kind: 'slow', delayMs: 50 };
    const down = await startFakeBastion();
    await down.close();
    const broken = scorerWith(down.url);
    const cases = [
      { name: 'scoring off', scorer: disabledFraudScorer },
      { name: 'Bastion stub, 0 ms', scorer: scorerWith(bastion.url) as FraudScorer },
      { name: 'Bastion stub, 50 ms', scorer: scorerWith(slowBastion.url) as FraudScorer },
      { name: 'Bastion down, breaker open', scorer: broken as FraudScorer },
    ].map((c) => {
      const scoring: number[] = [];
      const timed: FraudScorer = {
        score: async (request) => {
          const started = performance.now();
          try {
            return await c.scorer.score(request);
          } finally {
            scoring.push(performance.now() - started);
          }
        },
        status: () => c.scorer.status(),
      };
      return { ...c, timed, scoring, total: [] as number[] };
    });
    // Warm-up: JIT, connections, and Bastion-down's failures open its circuit.
    for (const c of cases) for (let i = 0; i < 10; i += 1) await transferOnce(c.timed);
    if (broken.status().circuit !== 'OPEN') throw new Error('the circuit did not open');
    const callsWhenOpened = broken.status().calls;
    for (const c of cases) c.scoring.length = 0;
    // Interleaved, so the load of a shared machine falls on every case alike.
    for (let i = 0; i < TRANSFERS; i += 1) {
      for (const c of cases) {
        const started = performance.now();
        await transferOnce(c.timed);
        c.total.push(performance.now() - started);
      }
    }
    if (broken.status().calls !== callsWhenOpened) throw new Error('the open circuit called');
    await slowBastion.close();
    const base = percentile(cases[0]?.total ?? [], 50);
    for (const c of cases) {
      print(
        `   ${c.name.padEnd(28)} transfer p50 ${percentile(c.total, 50).toFixed(1).padStart(6)} ms, ` +
          `p99 ${percentile(c.total, 99).toFixed(1).padStart(6)} ms` +
          (c === cases[0]
            ? ''
            : `; scoring itself p50 ${percentile(c.scoring, 50).toFixed(1)} ms, ` +
              `p99 ${percentile(c.scoring, 99).toFixed(1)} ms; transfer p50 vs off ` +
              `${(percentile(c.total, 50) - base).toFixed(1)} ms`),
      );
    }
    print(
      `   (Bastion down: ${callsWhenOpened} failed calls opened the circuit during warm-up, ` +
        `then no call for ${TRANSFERS} transfers)`,
    );
    return cases.map((c) => ({
      name: c.name,
      scoringP50: percentile(c.scoring, 50),
      scoringP99: percentile(c.scoring, 99),
    }));
  } finally {
    await bastion.close();
  }
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  print('Nexum events benchmark on DynamoDB Local (in memory)');
  const scratch = mkdtempSync(join(tmpdir(), 'nexum-bench-events-'));
  const dynamo = await startDynamoDbLocal({});
  process.on('exit', () => killGroup(dynamo.pid, 'SIGKILL'));
  try {
    const tableName = 'nexum-bench-events';
    const environment = parseEnvironment({
      NEXUM_TENANT: 'bench',
      NEXUM_TABLE_NAME: tableName,
      NEXUM_DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      NEXUM_LOG_LEVEL: 'error',
      NEXUM_KEYRING_PATH: join(scratch, 'keyring.json'),
      NEXUM_JWT_KEY_PATH: join(scratch, 'jwt.json'),
      NEXUM_NOTIFICATION_SINK_PATH: join(scratch, 'notifications.jsonl'),
      NEXUM_WEBHOOK_ALLOW_LOCALHOST: 'true',
      NEXUM_EVENT_VALIDATION: 'strict',
    });
    const admin = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: environment.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(admin, tableName, mainTable);
    admin.destroy();
    const { dependencies } = createRuntime(environment);
    const deps: Dependencies = { ...dependencies, fraud: disabledFraudScorer };
    await seedSystem(deps);
    endpoints.set(deps, dynamo.endpoint);
    const published = await benchPublisher(deps, tableName);
    const dispatched = await benchDispatcher(deps, tableName);
    const webhooks = await benchWebhooks(deps);
    const fraud = await benchFraud(deps);
    print('\nSummary');
    print(`   outbox publisher → EventBridge  ${Math.round(published.eventsPerSecond)} events/s`);
    print(`   local dispatcher                 ${Math.round(dispatched.eventsPerSecond)} events/s`);
    print(`   signed webhook deliveries        ${Math.round(webhooks.deliveriesPerSecond)} /s`);
    for (const result of fraud.slice(1)) {
      print(
        `   added by scoring, ${result.name.padEnd(27)} p50 ${result.scoringP50.toFixed(1)} ms, ` +
          `p99 ${result.scoringP99.toFixed(1)} ms per transfer`,
      );
    }
  } finally {
    await dynamo.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
