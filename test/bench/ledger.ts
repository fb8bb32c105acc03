/**
 * Ledger throughput benchmark: what a transfer costs on DynamoDB Local, measured in one run.
 *
 *   npm run bench:ledger
 *
 * Starts its own in-memory DynamoDB Local, opens 1,024 accounts plus a hot pair through the real
 * handlers (and as many in a control table, for the growth probe below), and moves money three
 * ways, each at concurrency 1, 8 and 32, on random pairs of the 1,024 accounts (many accounts: two
 * transfers rarely meet on an account) and on the hot pair (alternating direction, so funds never
 * run out); and at concurrency 8 and 32 on random pairs of the first 64 of them (the warm set: at
 * c=32 every account is in flight about half the time, so this measures optimistic contention
 * rather than the cost of a transfer):
 *
 *   raw         one TransactWriteItems per transfer with the same 17 items a transfer writes, of
 *               the same shapes (puts, and conditional ADD updates of pre-created account items):
 *               no read, no use case, no HTTP. What DynamoDB Local itself can do.
 *   in-process  the transactions handler invoked with API Gateway events: the real middleware,
 *               use case and store, without a socket. As in Lambda, where a container serves one
 *               invocation at a time, each concurrent worker has a container (runtime and
 *               handler) of its own, so c=32 is 32 containers racing on the same items.
 *   http        fetch against createLocalServer on a free port, serving the Lambda modules of
 *               functions/registry.ts exactly as `npm start` does: one process for every request.
 *
 * Every request carries the bearer token of its table's administrator (signed in once at the
 * start), and every transfer an Idempotency-Key, as a real client sends them, so a transfer writes
 * 17 items: the transaction, its entry, 2 account updates, 2 history lines, 2 audit records, the
 * GL control movement, the outbox event, the idempotency record, and for each of the two (tier 3)
 * customers a KYC standing check and daily and monthly volume totals.
 *
 * DynamoDB round trips are counted on the wire: a middleware on every document client of this
 * process sees each HTTP attempt (SDK retries included), and every TransactWriteItems asks for
 * TOTAL consumed capacity (as DynamoDbLedgerStore does when it has metrics), so the write units
 * are whatever DynamoDB Local reports; beside them, the report models what DynamoDB would charge
 * for one transfer's write from its request body. (StoreMetrics would only see the store of a
 * runtime the bench builds itself, not the Lambda modules' own.)
 *
 * Before the scenarios, the growth probe (probePhase): the same in-process scenarios (many
 * accounts at c=1 and c=8) and their raw control, on the ledger table and on a control table set
 * up alike in a second DynamoDB Local, measured in interleaved rounds, first with ~1k prior
 * postings on both, then again once the ledger table has 50k. The control table's history stays
 * small, so its change between the two phases is the machine's drift, and the ledger's change
 * over it is the change the history made (growthOf). The first 1k postings are the
 * accounts' opening deposits and transfers through the use case; of the rest, the first 1k go
 * through the use case too, and all of them when that would take under 5 minutes, otherwise
 * they are written with BatchWriteItem (preloadByBatchWrite says which items and why). The
 * output says which preload ran and how long it took. The Lambda modules (and so the HTTP path)
 * serve the ledger table, where the matrix runs.
 *
 * The exit code is 0 even when a goal fails: this is a measurement, and the FAIL lines say what
 * to look at. Knobs: BENCH_TRANSFERS (per scenario, default 300), BENCH_SCENARIO_SECONDS (a
 * scenario stops sending after this, default 10), BENCH_PROBE_TRANSFERS (default 300),
 * BENCH_POSTINGS (default 50000), BENCH_PRELOAD=auto|usecase|batch (default auto),
 * BENCH_ACCOUNTS (the many accounts, default 1024), BENCH_LOG_LEVEL (the handlers' log level,
 * default error; their JSON lines go to standard output among the bench's).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  type AttributeValue,
  type ConsumedCapacity,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { groupHandlers } from '../../functions/registry';
import { GENESIS } from '../../shared/application/audit/audit-chain';
import { ensureAdministrator, login } from '../../shared/application/identity/auth';
import { buildPosting } from '../../shared/application/ledger/build-posting';
import { transfer as transferUseCase } from '../../shared/application/ledger/move-money';
import type {
  AccountLine,
  AuditRecord,
  IdempotencyRecord,
  OutboxEvent,
  TransactionRecord,
  WriteOp,
} from '../../shared/application/ledger/records';
import type { Dependencies } from '../../shared/application/ports';
import { seedSystem } from '../../shared/application/seed-system';
import { mainTable } from '../../shared/contracts/tables';
import type { Account } from '../../shared/domain/ledger/account';
import type { JournalEntry } from '../../shared/domain/ledger/journal-entry';
import { decideTransfer } from '../../shared/domain/ledger/posting-rules';
import { Money } from '../../shared/domain/money';
import { accountRoutes } from '../../functions/accounts/routes';
import { customerRoutes } from '../../functions/customers/routes';
import { transactionRoutes } from '../../functions/transactions/routes';
import { httpHandler, type LambdaHttpHandler } from '../../shared/http/http-handler';
import { edgeSettingsOf } from '../../shared/infrastructure/edge-settings';
import { transactionWire } from '../../shared/http/ledger-wire';
import { createDocumentClient } from '../../shared/infrastructure/dynamodb/document-client';
import { keys } from '../../shared/infrastructure/dynamodb/keys';
import { accountItem, type Item } from '../../shared/infrastructure/dynamodb/ledger-items';
import { transactItemOf } from '../../shared/infrastructure/dynamodb/ledger-writes';
import { ensureTable } from '../../shared/infrastructure/dynamodb/table-admin';
import { parseEnvironment, type Environment } from '../../shared/infrastructure/environment';
import { createRuntime } from '../../shared/infrastructure/production-dependencies';
import { systemClock } from '../../shared/infrastructure/system-clock';
import { ulidGenerator } from '../../shared/infrastructure/ulid-generator';
import {
  killGroup,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../shared/local/dynamodb-local';
import { createLocalServer } from '../../shared/local/server';
import { lambdaContext } from '../../shared/local/lambda-context';
import { apiEvent } from '../support/events';

/** The report goes to stdout; this is a command-line tool, not library code. */
function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer`);
  return value;
}

type PreloadChoice = 'auto' | 'usecase' | 'batch';

function preloadChoiceFromEnv(): PreloadChoice {
  const raw = process.env.BENCH_PRELOAD ?? 'auto';
  if (raw === 'auto' || raw === 'usecase' || raw === 'batch') return raw;
  throw new Error('BENCH_PRELOAD must be auto, usecase or batch');
}

const config = {
  /** Transfers per measured scenario. */
  transfers: intFromEnv('BENCH_TRANSFERS', 300),
  /** A scenario stops sending new transfers after this many seconds. */
  scenarioSeconds: intFromEnv('BENCH_SCENARIO_SECONDS', 10),
  /** Transfers of each growth probe run (at most scenarioSeconds), in each of `probeRuns` rounds. */
  probeTransfers: intFromEnv('BENCH_PROBE_TRANSFERS', 300),
  probeRuns: 5,
  /** Concurrency of the use-case preload: more only adds optimistic conflicts. */
  preloadConcurrency: 4,
  /** Prior postings of the two growth measurements. */
  smallHistory: 1_000,
  bigHistory: intFromEnv('BENCH_POSTINGS', 50_000),
  /** The many accounts of the random pairs, and the warm set among them. */
  accounts: intFromEnv('BENCH_ACCOUNTS', 1_024),
  warmAccounts: 64,
  /** Accounts opened at once during the setup. */
  setupConcurrency: 8,
  concurrencies: [1, 8, 32] as const,
  preload: preloadChoiceFromEnv(),
  /** Above this estimate, the 50k preload switches from the use case to BatchWriteItem. */
  preloadBudgetSeconds: 300,
  /** Opening balance of every account: far more than any scenario moves. */
  openingDeposit: '20000.00',
  currency: 'USD',
} as const;

const sleep = (ms: number): Promise<void> => new Promise((wake) => setTimeout(wake, ms));

// ---------------------------------------------------------------------------------------------
// DynamoDB round trips on the wire
// ---------------------------------------------------------------------------------------------

/** A copy of the counters at one moment; scenarios subtract two of them. */
interface WireSnapshot {
  /** HTTP requests to DynamoDB by operation (TransactWriteItems, BatchGetItem…). */
  readonly calls: ReadonlyMap<string, number>;
  /** Requests that failed, by `operation error-name`. */
  readonly errors: ReadonlyMap<string, number>;
  /** Sum of the write capacity units DynamoDB reported, and how many responses reported any. */
  readonly writeUnits: number;
  readonly writeUnitReports: number;
}

/** Counts every DynamoDB request of the process. */
class WireCounter {
  private readonly calls = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private writeUnits = 0;
  private writeUnitReports = 0;
  private lastTransactWriteBody: string | Uint8Array | undefined;

  record(operation: string, writeUnits: number | undefined, error?: string): void {
    increment(this.calls, operation);
    if (error !== undefined) increment(this.errors, `${operation} ${error}`);
    if (writeUnits !== undefined) {
      this.writeUnits += writeUnits;
      this.writeUnitReports += 1;
    }
  }

  /** Keeps the request body of a successful TransactWriteItems, to model its cost. */
  sawTransactWrite(body: string | Uint8Array): void {
    this.lastTransactWriteBody = body;
  }

  lastTransactWrite(): string | Uint8Array | undefined {
    return this.lastTransactWriteBody;
  }

  forgetLastTransactWrite(): void {
    this.lastTransactWriteBody = undefined;
  }

  snapshot(): WireSnapshot {
    return {
      calls: new Map(this.calls),
      errors: new Map(this.errors),
      writeUnits: this.writeUnits,
      writeUnitReports: this.writeUnitReports,
    };
  }
}

function difference(after: WireSnapshot, before: WireSnapshot): WireSnapshot {
  const minus = (a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>) =>
    new Map(
      [...a]
        .map(([key, value]) => [key, value - (b.get(key) ?? 0)] as const)
        .filter(([, v]) => v > 0),
    );
  return {
    calls: minus(after.calls, before.calls),
    errors: minus(after.errors, before.errors),
    writeUnits: after.writeUnits - before.writeUnits,
    writeUnitReports: after.writeUnitReports - before.writeUnitReports,
  };
}

function writeUnitsOf(output: unknown): number | undefined {
  if (output === null || typeof output !== 'object' || !('ConsumedCapacity' in output)) {
    return undefined;
  }
  const consumed = output.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
  const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  if (list.length === 0) return undefined;
  return list.reduce((sum, c) => sum + (c.WriteCapacityUnits ?? c.CapacityUnits ?? 0), 0);
}

/**
 * Runs inside the SDK's retry loop (finalizeRequest, low priority), so it sees every HTTP attempt
 * with its deserialised output or error.
 */
function wireMiddleware<Input extends object, Output extends MetadataBearer>(
  counter: WireCounter,
): FinalizeRequestMiddleware<Input, Output> {
  return (next, context) => async (args) => {
    const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    const operation = isPrincipalLookup(args.input) ? `${name}${PRINCIPAL}` : name;
    try {
      const result = await next(args);
      counter.record(operation, writeUnitsOf(result.output));
      const { request } = args;
      if (operation === 'TransactWriteItems' && typeof request === 'object' && request !== null) {
        const body = (request as { body?: unknown }).body;
        if (typeof body === 'string' || body instanceof Uint8Array) {
          counter.sawTransactWrite(body); // Decoded only when modelled.
        }
      }
      return result;
    } catch (error) {
      counter.record(operation, undefined, errorLabel(error));
      throw error;
    }
  };
}

/** The label of a request that resolves the caller (its user and roles), not the posting. */
const PRINCIPAL = '[principal]';
const principalKey = /^(USER|ROLE)#/;

/**
 * Whether a read is the edge resolving the bearer token's principal (principal-resolver.ts):
 * every key it reads is a user or a role. Each container caches principals for
 * NEXUM_PRINCIPAL_CACHE_TTL_SECONDS, so these come once in a while, not per transfer.
 */
function isPrincipalLookup(input: unknown): boolean {
  const request = input as {
    Key?: Record<string, AttributeValue>;
    RequestItems?: Record<string, { Keys?: Record<string, AttributeValue>[] }>;
  };
  const keys = [
    ...(request.Key === undefined ? [] : [request.Key]),
    ...Object.values(request.RequestItems ?? {}).flatMap((entry) => entry.Keys ?? []),
  ];
  return (
    keys.length > 0 &&
    keys.every((key) => {
      const pk = key.pk;
      return pk !== undefined && 'S' in pk && typeof pk.S === 'string' && principalKey.test(pk.S);
    })
  );
}

/** The error's name; a cancelled transaction also names why (ConditionalCheckFailed…). */
function errorLabel(error: unknown): string {
  if (!(error instanceof Error)) return 'Error';
  if (error instanceof TransactionCanceledException) {
    const codes = new Set(
      (error.CancellationReasons ?? []).flatMap((reason) =>
        reason.Code === undefined || reason.Code === 'None' ? [] : [reason.Code],
      ),
    );
    return `${error.name}[${[...codes].sort().join(',')}]`;
  }
  return error.name;
}

/**
 * Instruments every DynamoDBDocumentClient of the process, including the ones the Lambda
 * modules build at import, which the bench cannot reach otherwise: on its first send, a client's
 * middleware stack (shared with its DynamoDBClient) gets the counter. TransactWriteItems asks
 * for TOTAL consumed capacity, which the store only does when it has metrics.
 */
function installWireCounter(counter: WireCounter): void {
  type Send = (this: DynamoDBDocumentClient, command: unknown, ...rest: unknown[]) => unknown;
  const prototype = DynamoDBDocumentClient.prototype as unknown as { send: Send };
  const send = prototype.send;
  const instrumented = new WeakSet<object>();
  prototype.send = function instrumentedSend(this: DynamoDBDocumentClient, command, ...rest) {
    if (!instrumented.has(this.middlewareStack)) {
      instrumented.add(this.middlewareStack);
      this.middlewareStack.add(wireMiddleware(counter), {
        step: 'finalizeRequest',
        priority: 'low',
        name: 'benchWireCounter',
      });
    }
    if (command instanceof TransactWriteCommand) command.input.ReturnConsumedCapacity = 'TOTAL';
    return send.call(this, command, ...rest);
  };
}

/** Bytes of an attribute value by DynamoDB's item-size rules (numbers approximated). */
function attributeValueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  if (value.L !== undefined) {
    return 3 + value.L.reduce((sum, inner) => sum + attributeValueSize(inner) + 1, 0);
  }
  if (value.SS !== undefined)
    return value.SS.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + numberSize(text), 0);
  return 0;
}

function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length;
  return Math.ceil(Math.max(1, digits) / 2) + 1;
}

function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + attributeValueSize(value),
    0,
  );
}

interface ModelledCost {
  readonly items: number;
  readonly tableUnits: number;
  readonly indexUnits: number;
  readonly bytes: number;
}

/**
 * What DynamoDB charges for one TransactWriteItems, from its request body: 2 write units per
 * started KB of every item written (transactions cost double), once for the table and once per
 * global index the item is in (all indexes project ALL, so an index entry is about the item's
 * size). An updated item is read back for its size.
 */
async function modelledWriteUnits(
  client: DynamoDBClient,
  body: string | Uint8Array,
): Promise<ModelledCost> {
  // TextDecoder reads the bytes; Buffer.from would call the SDK body's deprecated valueOf().
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const request = JSON.parse(text) as { TransactItems?: TransactWriteItem[] };
  let tableUnits = 0;
  let indexUnits = 0;
  let bytes = 0;
  const writes = request.TransactItems ?? [];
  for (const write of writes) {
    let item = write.Put?.Item;
    if (item === undefined && write.Update !== undefined) {
      const read = await client.send(
        new GetItemCommand({ TableName: write.Update.TableName, Key: write.Update.Key }),
      );
      item = read.Item;
    }
    if (item === undefined) continue;
    const size = itemSize(item);
    const units = 2 * Math.ceil(size / 1024);
    const written = item;
    const indexes = mainTable.globalIndexes.filter(
      (index) => written[index.partitionKey] !== undefined && written[index.sortKey] !== undefined,
    ).length;
    bytes += size;
    tableUnits += units;
    indexUnits += units * indexes;
  }
  return { items: writes.length, tableUnits, indexUnits, bytes };
}

// ---------------------------------------------------------------------------------------------
// Load generation
// ---------------------------------------------------------------------------------------------

/** One transfer; resolves to the HTTP status (raw: 201, or the status a use case would answer). */
type TransferFn = (
  from: string,
  to: string,
  amount: string,
  /** Which of the load's workers sends it (0 … concurrency - 1). */
  worker: number,
) => Promise<TransferOutcome>;

interface TransferOutcome {
  readonly status: number;
  /** The problem code of a failure, e.g. CONFLICT. */
  readonly code?: string;
}

interface LoadResult {
  readonly transfers: number;
  readonly ok: number;
  /** Non-2xx answers and exceptions, by `status code`. */
  readonly failures: ReadonlyMap<string, number>;
  readonly seconds: number;
  /** Latency of every request in ms, ascending. */
  readonly latencies: readonly number[];
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** A small, seeded PRNG (mulberry32), so every run draws the same pairs and amounts. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type PairOf = (index: number) => readonly [string, string];

/** Random distinct pairs of `ids`. */
function randomPairs(ids: readonly string[], seed: number): PairOf {
  const random = seededRandom(seed);
  return () => {
    const from = Math.floor(random() * ids.length);
    const to = (from + 1 + Math.floor(random() * (ids.length - 1))) % ids.length;
    return [ids[from]!, ids[to]!];
  };
}

/** The same two accounts, direction alternating, so neither side drains. */
function hotPair(a: string, b: string): PairOf {
  return (index) => (index % 2 === 0 ? [a, b] : [b, a]);
}

/** Amounts between 1.00 and 9.99. */
function amountOf(index: number): string {
  return `${1 + (index % 9)}.${String((index * 37) % 100).padStart(2, '0')}`;
}

/**
 * A closed loop: `concurrency` workers each send their next transfer when the previous one is
 * answered, until `total` have been sent or `maxSeconds` have passed (requests in flight then
 * still finish and count).
 */
async function runLoad(
  transfer: TransferFn,
  pairOf: PairOf,
  total: number,
  concurrency: number,
  maxSeconds = Number.POSITIVE_INFINITY,
): Promise<LoadResult> {
  let issued = 0;
  let ok = 0;
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const deadline = performance.now() + maxSeconds * 1000;
  const worker = async (_: unknown, workerIndex: number): Promise<void> => {
    while (issued < total && performance.now() < deadline) {
      const index = issued;
      issued += 1;
      const [from, to] = pairOf(index);
      const started = performance.now();
      let failure: string | undefined;
      try {
        const outcome = await transfer(from, to, amountOf(index), workerIndex);
        if (outcome.status < 200 || outcome.status > 299) {
          failure = `${outcome.status} ${outcome.code ?? ''}`.trim();
        }
      } catch (error) {
        failure = `exception ${error instanceof Error ? error.name : String(error)}`;
      }
      latencies.push(performance.now() - started);
      if (failure === undefined) ok += 1;
      else increment(failures, failure);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { transfers: issued, ok, failures, seconds, latencies };
}

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function problemCodeOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The three ways to transfer
// ---------------------------------------------------------------------------------------------

type Group = 'customers' | 'accounts' | 'transactions';

/**
 * A handler of one of the groups the setup calls, built the way each `functions/<group>/handler.ts`
 * builds its own at cold start, on the given runtime: the real middleware, routes and store.
 */
function groupHandler(
  group: Group,
  environment: Environment,
  dependencies: Dependencies,
): LambdaHttpHandler {
  const settings = edgeSettingsOf(environment, dependencies);
  switch (group) {
    case 'customers':
      return httpHandler({ group, settings, implementations: customerRoutes(dependencies) });
    case 'accounts':
      return httpHandler({ group, settings, implementations: accountRoutes(dependencies) });
    case 'transactions':
      return httpHandler({ group, settings, implementations: transactionRoutes(dependencies) });
  }
}

/** The setup's handlers on one table, invoked in-process with API Gateway events. */
interface InProcessApi {
  call(
    group: Group,
    path: string,
    body: object,
    headers?: Record<string, string>,
    route?: { method: string; resource: string; pathParameters: Record<string, string> },
  ): Promise<{ status: number; body: string }>;
}

function inProcessApi(
  environment: Environment,
  dependencies: Dependencies,
  token: string,
): InProcessApi {
  const built = new Map<Group, LambdaHttpHandler>();
  return {
    call: async (group, path, body, extraHeaders = {}, route) => {
      const headers = { Authorization: `Bearer ${token}`, ...extraHeaders };
      let handler = built.get(group);
      if (handler === undefined) {
        handler = groupHandler(group, environment, dependencies);
        built.set(group, handler);
      }
      // Without a route, a POST to a path without parameters: the resource is the path.
      const event = apiEvent({ method: 'POST', path, headers, body, ...route });
      event.requestContext.path = event.path; // No stage prefix, like the local server.
      // A fresh context per invocation: middy times out against its remaining time.
      const result = await handler(event, lambdaContext(`nexum-bench-${group}`));
      return { status: result.statusCode, body: result.body };
    },
  };
}

function transferBody(from: string, to: string, amount: string) {
  return { fromAccountId: from, toAccountId: to, amount, currency: config.currency };
}

/**
 * Lambda runs one invocation per container at a time, so n concurrent requests are n containers.
 * Each worker of the in-process load therefore gets a container of its own: a runtime (DynamoDB
 * client, caches, in-process locks) and a transactions handler, built the way
 * functions/transactions/handler.ts builds its own at cold start.
 */
class Containers {
  private readonly handlers = new Map<number, LambdaHttpHandler>();

  constructor(private readonly environment: Environment) {}

  handler(worker: number): LambdaHttpHandler {
    let handler = this.handlers.get(worker);
    if (handler === undefined) {
      const { dependencies } = createRuntime(this.environment);
      handler = groupHandler('transactions', this.environment, dependencies);
      this.handlers.set(worker, handler);
    }
    return handler;
  }
}

function inProcessTransfer(containers: Containers, token: string): TransferFn {
  return async (from, to, amount, worker) => {
    const path = '/transactions/transfer';
    const event = apiEvent({
      method: 'POST',
      path,
      headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': randomUUID() },
      body: transferBody(from, to, amount),
    });
    event.requestContext.path = event.path; // No stage prefix, like the local server.
    const result = await containers.handler(worker)(event, lambdaContext('nexum-bench-transfers'));
    return { status: result.statusCode, ...codeOf(result.statusCode, result.body) };
  };
}

function httpTransfer(baseUrl: string, token: string): TransferFn {
  return async (from, to, amount) => {
    const response = await fetch(`${baseUrl}/transactions/transfer`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': randomUUID(),
      },
      body: JSON.stringify(transferBody(from, to, amount)),
    });
    const body = await response.text();
    return { status: response.status, ...codeOf(response.status, body) };
  };
}

function codeOf(status: number, body: string): { code?: string } {
  if (status < 300) return {};
  const code = problemCodeOf(body);
  return code === undefined ? {} : { code };
}

type TransactRequest = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A pre-created account of the raw baseline; the audit sequence is kept here, not read. */
interface RawAccount {
  readonly id: string;
  readonly customerId: string;
  auditSeq: number;
}

/**
 * The raw baseline: the 17 items of an idempotent transfer in one TransactWriteItems, with the
 * ledger's own item shapes (transactItemOf) for the puts and the GL ADD. The account updates
 * cannot be conditional on a version without a read, so they ADD the amount under the same
 * status and funds conditions. Contention is retried like the use case does (full jitter).
 */
function rawTransfer(
  client: DynamoDBDocumentClient,
  tableName: string,
  accounts: ReadonlyMap<string, RawAccount>,
): TransferFn {
  const ids = ulidGenerator();
  return async (fromId, toId, amount) => {
    const from = accounts.get(fromId);
    const to = accounts.get(toId);
    if (from === undefined || to === undefined) throw new Error('Unknown raw account');
    const items = rawTransferItems(
      tableName,
      ids.next.bind(ids),
      from,
      to,
      Money.of(amount, 'USD'),
    );
    const startedAt = Date.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.send(new TransactWriteCommand({ TransactItems: items }));
        return { status: 201 };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (codes.includes('ConditionalCheckFailed')) return { status: 422, code: 'CONDITION' };
        if (attempt >= 100 || Date.now() - startedAt > 8_000)
          return { status: 409, code: 'CONFLICT' };
        await sleep(Math.floor(Math.random() * Math.min(200, 4 * 2 ** Math.min(attempt, 16))));
      }
    }
  };
}

function rawTransferItems(
  TableName: string,
  nextId: () => string,
  from: RawAccount,
  to: RawAccount,
  amount: Money,
): TransactRequest[] {
  const now = new Date();
  const at = now.toISOString();
  const date = at.slice(0, 10);
  const epochSeconds = Math.floor(now.getTime() / 1000);
  const amountMinor = amount.toMinor();
  const transactionId = nextId();
  const entryId = nextId();
  const transaction: TransactionRecord = {
    id: transactionId,
    type: 'TRANSFER',
    status: 'POSTED',
    amountMinor,
    currency: amount.currency,
    fromAccountId: from.id,
    toAccountId: to.id,
    journalEntryId: entryId,
    description: undefined,
    reference: undefined,
    channel: undefined,
    valueDate: date,
    bookingDate: date,
    createdAt: at,
    reversalOf: undefined,
    reversedBy: undefined,
    fx: undefined,
  };
  const entry: JournalEntry = {
    id: entryId,
    transactionId,
    lines: [
      {
        account: { kind: 'customer', accountId: from.id },
        side: 'DEBIT',
        currency: amount.currency,
        amountMinor,
      },
      {
        account: { kind: 'customer', accountId: to.id },
        side: 'CREDIT',
        currency: amount.currency,
        amountMinor,
      },
    ],
    valueDate: date,
    bookingDate: date,
    postedAt: at,
    description: undefined,
    reversalOf: undefined,
  };
  const line = (account: RawAccount, side: 'DEBIT' | 'CREDIT'): AccountLine => ({
    accountId: account.id,
    entryId,
    transactionId,
    type: 'TRANSFER',
    side,
    amountMinor,
    currency: amount.currency,
    balanceAfterMinor: 100_000_000n,
    description: undefined,
    valueDate: date,
    bookingDate: date,
    postedAt: at,
  });
  const audit = (account: RawAccount, side: 'DEBIT' | 'CREDIT'): AuditRecord => {
    account.auditSeq += 1;
    return {
      chainId: `ACCOUNT#${account.id}`,
      seq: account.auditSeq,
      at,
      entityType: 'ACCOUNT',
      entityId: account.id,
      action: side === 'CREDIT' ? 'ACCOUNT_CREDITED' : 'ACCOUNT_DEBITED',
      actor: 'api',
      data: {
        transactionId,
        journalEntryId: entryId,
        type: 'TRANSFER',
        amountMinor: amountMinor.toString(),
        currency: amount.currency,
        balanceAfterMinor: '100000000',
      },
      prevHash: randomBytes(32).toString('hex'),
      hash: randomBytes(32).toString('hex'),
    };
  };
  const debitAudit = audit(from, 'DEBIT');
  const creditAudit = audit(to, 'CREDIT');
  const event: OutboxEvent = {
    id: nextId(),
    type: 'nexum.transaction.posted',
    aggregateType: 'transaction',
    aggregateId: transactionId,
    sequence: 1,
    occurredAt: at,
    data: {
      transactionId,
      journalEntryId: entryId,
      type: 'TRANSFER',
      amount: amountMinor.toString(),
      currency: amount.currency,
      fromAccountId: from.id,
      toAccountId: to.id,
    },
  };
  const idempotency: IdempotencyRecord = {
    key: randomUUID(),
    operation: 'transfer',
    requestHash: randomBytes(32).toString('hex'),
    status: 201,
    body: JSON.stringify(transactionWire(transaction)),
    headers: { Location: `/transactions/${transactionId}` },
    createdAt: at,
    expiresAtEpochSeconds: epochSeconds + 48 * 3600,
  };
  const puts: WriteOp[] = [
    { kind: 'putTransaction', transaction },
    { kind: 'putEntry', entry },
    { kind: 'putAccountLine', line: line(from, 'DEBIT') },
    { kind: 'putAccountLine', line: line(to, 'CREDIT') },
    { kind: 'appendAudit', record: debitAudit },
    { kind: 'appendAudit', record: creditAudit },
    {
      kind: 'moveGl',
      movement: {
        code: '2000',
        currency: amount.currency,
        debitMinor: amountMinor,
        creditMinor: amountMinor,
      },
    },
    { kind: 'putEvent', event },
    { kind: 'putIdempotency', record: idempotency },
    // Both customers' KYC volumes (tier 3: a daily and a monthly total each).
    ...[from, to].flatMap((account) =>
      (['DAY', 'MONTH'] as const).map((period): WriteOp => ({
        kind: 'addKycVolume',
        customerId: account.customerId,
        currency: amount.currency,
        period,
        periodKey: period === 'DAY' ? date : date.slice(0, 7),
        amountMinor,
        limitMinor: 100_000_000_000n,
        tier: 3,
      })),
    ),
  ];
  return [
    rawAccountUpdate(TableName, from, -amountMinor, debitAudit, at),
    rawAccountUpdate(TableName, to, amountMinor, creditAudit, at),
    // The check that each customer's KYC standing is the one judged by (the raw customers are
    // not stored, so the check is that none exists: the same read of one item).
    ...[from, to].map((account): TransactRequest => ({
      ConditionCheck: {
        TableName,
        Key: keys.customer(account.customerId),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
    ...puts.map((op) => transactItemOf(op, TableName, epochSeconds).request),
  ];
}

/** The account write of a transfer without its read: ADD the delta under the same guards. */
function rawAccountUpdate(
  TableName: string,
  account: RawAccount,
  deltaMinor: bigint,
  audit: AuditRecord,
  at: string,
): TransactRequest {
  const debit = deltaMinor < 0n;
  return {
    Update: {
      TableName,
      Key: keys.account(account.id),
      UpdateExpression:
        'SET balanceMinor = balanceMinor + :delta, availableMinor = availableMinor + :delta, ' +
        'version = version + :one, auditSeq = :auditSeq, auditHash = :auditHash, updatedAt = :updatedAt',
      ConditionExpression: debit
        ? '#status = :active AND availableMinor >= :required'
        : '#status IN (:active, :frozen)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':delta': deltaMinor,
        ':one': 1,
        ':auditSeq': audit.seq,
        ':auditHash': audit.hash,
        ':updatedAt': at,
        ':active': 'ACTIVE',
        ...(debit ? { ':required': -deltaMinor } : { ':frozen': 'FROZEN' }),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Preloading history
// ---------------------------------------------------------------------------------------------

/** Writes items with BatchWriteItem, 25 a request, `parallel` requests in flight. */
class BatchWriter {
  private buffer: Item[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  written = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly parallel: number,
  ) {}

  async put(item: Item): Promise<void> {
    this.buffer.push(item);
    if (this.buffer.length >= 25) await this.dispatch(this.buffer.splice(0, 25));
  }

  async flush(): Promise<void> {
    if (this.buffer.length > 0) await this.dispatch(this.buffer.splice(0));
    await Promise.all(this.inFlight);
    if (this.failure !== undefined)
      throw new Error('A preload batch failed', { cause: this.failure });
  }

  private async dispatch(batch: Item[]): Promise<void> {
    if (this.failure !== undefined)
      throw new Error('A preload batch failed', { cause: this.failure });
    while (this.inFlight.size >= this.parallel) await Promise.race(this.inFlight);
    const write = this.write(batch)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.inFlight.delete(write));
    this.inFlight.add(write);
  }

  private async write(batch: readonly Item[]): Promise<void> {
    let pending = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round += 1) {
      if (round > 10) throw new Error('BatchWriteItem kept returning unprocessed items');
      if (round > 0) await sleep(Math.min(500, 20 * 2 ** round));
      const output = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      const unprocessed = output.UnprocessedItems?.[this.tableName] ?? [];
      this.written += pending.length - unprocessed.length;
      pending = unprocessed.flatMap((request) =>
        request.PutRequest?.Item === undefined
          ? []
          : [{ PutRequest: { Item: request.PutRequest.Item } }],
      );
    }
  }
}

/** Account items by id, read through the ledger store (BatchGetItem takes 100 keys at most). */
async function loadAccounts(
  context: BenchContext,
  ids: readonly string[],
): Promise<Map<string, Account>> {
  const accounts = new Map<string, Account>();
  for (let start = 0; start < ids.length; start += 50) {
    const loaded = await context.deps.ledger.loadAccounts(ids.slice(start, start + 50));
    for (const [id, account] of loaded.accounts) accounts.set(id, account);
  }
  return accounts;
}

/** After a preload, the raw baseline continues its accounts' audit sequences where it ended. */
async function resyncRawAccounts(context: BenchContext): Promise<void> {
  const stored = await loadAccounts(context, [...context.rawAccounts.keys()]);
  for (const [id, raw] of context.rawAccounts) {
    const account = stored.get(id);
    if (account === undefined) throw new Error(`Raw account ${id} is missing`);
    raw.auditSeq = account.audit.seq;
  }
}

/**
 * The cheap preload: the postings the transfer use case would make, planned by the ledger's own
 * decideTransfer and buildPosting against account state kept in memory, of which the items that
 * land in the partitions a transfer reads or appends to are written with BatchWriteItem: per
 * posting, the 2 history lines (in the accounts' own ACCOUNT# partitions, beside the account
 * items that every transfer reads) and the 2 audit records, which continue the accounts' hash
 * chains in their AUDIT# partitions and fill the audit indexes (gsi1 per entity, gsi2 log
 * shards). The transaction, entry and outbox items are skipped: each has a partition of its own
 * that no transfer reads. Afterwards every account item gets its final balance, version and chain
 * head in one conditional put (guarded by the version read at the start), so balances, history
 * and chains stay consistent; transfers between customer accounts leave the GL control account's
 * net unchanged. Nothing else may write to these accounts meanwhile.
 */
async function preloadByBatchWrite(
  context: BenchContext,
  count: number,
): Promise<{ postings: number; items: number }> {
  const { client, tableName } = context;
  const accounts = await loadAccounts(context, context.preloadAccountIds);
  const versionsRead = new Map([...accounts].map(([id, account]) => [id, account.version]));
  const writer = new BatchWriter(client, tableName, 8);
  const planner = { clock: systemClock, ids: ulidGenerator() };
  const pairOf = randomPairs(context.preloadAccountIds, 50_000);
  const epochSeconds = Math.floor(Date.now() / 1000);
  for (let index = 0; index < count; index += 1) {
    const [fromId, toId] = pairOf(index);
    const from = accounts.get(fromId);
    const to = accounts.get(toId);
    if (from === undefined || to === undefined) throw new Error('Preload account missing');
    const amount = Money.of(amountOf(index), 'USD');
    const lines = decideTransfer(from, to, amount);
    if (!lines.ok) throw new Error(`Preload transfer refused: ${lines.error.code}`);
    const posting = buildPosting(planner, {
      type: 'TRANSFER',
      lines: lines.value,
      accounts,
      amountMinor: amount.toMinor(),
      currency: amount.currency,
      fromAccountId: from.id,
      toAccountId: to.id,
      actor: 'bench-preload',
    });
    for (const op of posting.ops) {
      if (op.kind === 'updateAccount') {
        accounts.set(op.after.id, op.after);
      } else if (op.kind === 'putAccountLine' || op.kind === 'appendAudit') {
        const item = transactItemOf(op, tableName, epochSeconds).request.Put?.Item;
        if (item === undefined) throw new Error(`Preload cannot batch a ${op.kind}`);
        await writer.put(item);
      }
    }
  }
  await writer.flush();
  for (const [id, account] of accounts) {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: accountItem(account),
        ConditionExpression: 'version = :read',
        ExpressionAttributeValues: { ':read': versionsRead.get(id) },
      }),
    );
  }
  await resyncRawAccounts(context);
  return { postings: count, items: writer.written };
}

/** Transfers through the use case itself, without the HTTP edge. */
function useCaseTransfer(deps: Dependencies): TransferFn {
  const render = () => ({ status: 201, body: '', headers: {} });
  return async (from, to, amount) => {
    const result = await transferUseCase(
      deps,
      { fromAccountId: from, toAccountId: to, amount: Money.of(amount, 'USD') },
      { actor: 'bench-preload', idempotency: undefined, render },
    );
    return result.ok ? { status: 201 } : { status: 409, code: result.error.code };
  };
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

type Mode = 'raw' | 'in-process' | 'http';
/** Random pairs of the many accounts or of the warm set among them, or the hot pair. */
type Topology = 'many' | 'warm' | 'hot';

function topologyLabel(topology: Topology): string {
  if (topology === 'many') return `${config.accounts} accounts`;
  return topology === 'warm' ? `${config.warmAccounts} (warm)` : 'hot pair';
}

interface Scenario {
  readonly mode: Mode;
  readonly topology: Topology;
  readonly concurrency: number;
  readonly load: LoadResult;
  readonly wire: WireSnapshot;
}

/** One table of the bench, with what ran on it. */
interface BenchContext {
  /** Its part, for the output: "ledger" (the matrix, and the history that grows) or "control". */
  readonly label: string;
  readonly environment: Environment;
  readonly deps: Dependencies;
  /** The bearer token of this table's administrator (principals are looked up per table). */
  readonly token: string;
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly counter: WireCounter;
  /** The many accounts of the random pairs (the warm set is their first 64), and the hot pair. */
  readonly manyAccountIds: readonly string[];
  readonly hotAccountIds: readonly [string, string];
  /** The raw baseline's accounts (as many, then its hot pair) and their audit sequences. */
  readonly rawAccounts: ReadonlyMap<string, RawAccount>;
  /**
   * Where preloaded postings go: both sets of accounts, so that the raw baseline, the control
   * of the growth probe, writes into partitions as big as the in-process transfers do.
   */
  readonly preloadAccountIds: readonly string[];
  /** Postings committed so far (deposits, transfers of every mode, preloads). */
  postings: number;
}

async function measure(
  context: BenchContext,
  mode: Mode,
  topology: Topology,
  concurrency: number,
  transfer: TransferFn,
  pairOf: PairOf,
  total: number,
  tag = '',
): Promise<Scenario> {
  const before = context.counter.snapshot();
  const load = await runLoad(transfer, pairOf, total, concurrency, config.scenarioSeconds);
  const wire = difference(context.counter.snapshot(), before);
  context.postings += load.ok;
  const scenario: Scenario = {
    mode,
    topology,
    concurrency,
    load,
    wire,
  };
  print(`  ${tag}${describe(scenario)}`);
  return scenario;
}

function describe(scenario: Scenario): string {
  const { load } = scenario;
  const failed = load.transfers - load.ok;
  return (
    `${scenario.mode.padEnd(10)} ${topologyLabel(scenario.topology).padEnd(13)} c=${String(scenario.concurrency).padEnd(3)}` +
    ` ${fixed(load.ok / load.seconds, 1).padStart(7)} transfers/s, p50 ${fixed(percentile(load.latencies, 0.5), 1)} ms,` +
    ` p99 ${fixed(percentile(load.latencies, 0.99), 1)} ms, ${fixed(callsPerTransfer(scenario), 2)} calls/transfer` +
    (failed > 0 ? `, ${failed} failed` : '')
  );
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

function totalOf(map: ReadonlyMap<string, number>): number {
  return [...map.values()].reduce((sum, value) => sum + value, 0);
}

/** Wire requests per successful transfer (every attempt of every request counts). */
function callsPerTransfer(scenario: Scenario): number {
  return totalOf(scenario.wire.calls) / Math.max(1, scenario.load.ok);
}

/** The same, without the edge's principal lookups: the transfer's own reads and writes. */
function postingCallsPerTransfer(scenario: Scenario): number {
  const principal = [...scenario.wire.calls]
    .filter(([operation]) => operation.endsWith(PRINCIPAL))
    .reduce((sum, [, n]) => sum + n, 0);
  return callsPerTransfer(scenario) - principal / Math.max(1, scenario.load.ok);
}

function throughput(scenario: Scenario): number {
  return scenario.load.ok / scenario.load.seconds;
}

/** Opens a customer and an account with an opening deposit through the in-process handlers. */
async function openAccount(api: InProcessApi, index: number): Promise<string> {
  const customer = await api.call('customers', '/customers', {
    firstName: 'Bench',
    lastName: `Customer ${index}`,
    email: `bench-${index}@example.com`,
  });
  if (customer.status !== 201) throw new Error(`Creating a customer failed: ${customer.body}`);
  const customerId = String((JSON.parse(customer.body) as { id: unknown }).id);
  // Verified at tier 3: its 100,000 a day covers the opening deposit and every run's volume.
  const verified = await api.call(
    'customers',
    `/customers/${customerId}/kyc`,
    { status: 'VERIFIED', tier: 3 },
    {},
    { method: 'PUT', resource: '/customers/{customerId}/kyc', pathParameters: { customerId } },
  );
  if (verified.status !== 200) throw new Error(`Verifying a customer failed: ${verified.body}`);
  const account = await api.call('accounts', '/accounts', {
    customerId,
    productType: 'CHECKING',
    currency: config.currency,
  });
  if (account.status !== 201) throw new Error(`Opening an account failed: ${account.body}`);
  const accountId = String((JSON.parse(account.body) as { id: unknown }).id);
  const deposit = await api.call('transactions', '/transactions/deposit', {
    accountId,
    amount: config.openingDeposit,
    currency: config.currency,
  });
  if (deposit.status !== 201) throw new Error(`The opening deposit failed: ${deposit.body}`);
  return accountId;
}

/** Pre-creates the raw baseline's accounts (as many + a hot pair), 25 to a BatchWriteItem. */
async function createRawAccounts(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Map<string, RawAccount>> {
  const ids = ulidGenerator();
  const now = new Date().toISOString();
  const writer = new BatchWriter(client, tableName, 4);
  const accounts = new Map<string, RawAccount>();
  for (let index = 0; index < config.accounts + 2; index += 1) {
    const account: Account = {
      id: ids.next(),
      customerId: ids.next(),
      productType: 'CHECKING',
      currency: 'USD',
      name: 'Raw baseline',
      status: 'ACTIVE',
      balanceMinor: 100_000_000n,
      holdsMinor: 0n,
      overdraftLimitMinor: 0n,
      controlAccount: '2000',
      version: 1,
      audit: GENESIS,
      createdAt: now,
      updatedAt: now,
    };
    await writer.put(accountItem(account));
    accounts.set(account.id, { id: account.id, customerId: account.customerId, auditSeq: 0 });
  }
  await writer.flush();
  return accounts;
}

interface GrowthPoint {
  /** Prior postings on the table when its probe began (after the warm-up). */
  readonly postings: number;
  /**
   * Every run of each probe scenario (in the order of probeScenarios), on the many accounts:
   * in-process at c=1 and c=8, then the raw baseline at c=1 and c=8 (it writes the same item
   * shapes with no read and no use case, so it shows how much DynamoDB Local itself slows down
   * with the table's size).
   */
  readonly runs: readonly (readonly Scenario[])[];
}

type ProbeMode = 'in-process' | 'raw';

const probeScenarios: readonly { mode: ProbeMode; concurrency: number }[] = [
  { mode: 'in-process', concurrency: 1 },
  { mode: 'in-process', concurrency: 8 },
  { mode: 'raw', concurrency: 1 },
  { mode: 'raw', concurrency: 8 },
];

function rawManyIds(context: BenchContext): string[] {
  return [...context.rawAccounts.keys()].slice(0, config.accounts);
}

/** Both tables' probe results of one phase, measured in the same interleaved rounds. */
interface ProbePhase {
  /** The ledger table, whose history grows from ~1k to 50k postings between the phases. */
  readonly ledger: GrowthPoint;
  /** The control table, whose history stays small: it shows what the machine did meanwhile. */
  readonly control: GrowthPoint;
}

/**
 * One phase of the growth probe: the same scenarios on the ledger table and on the control table,
 * each in a DynamoDB Local of its own, in interleaved rounds (each probe scenario on one table,
 * then on the other, the order alternating), so that whatever the machine does meanwhile (a
 * neighbour's load, the JIT, a collection) falls on both alike. Each table's in-process transfers
 * run on new containers of their own, with the table's own administrator token; both are warmed
 * by a few transfers (not measured) and the rounds start after a full garbage collection.
 */
async function probePhase(ledger: BenchContext, control: BenchContext): Promise<ProbePhase> {
  const subjects = [ledger, control].map((context) => ({
    context,
    tag: `[${context.label}]`.padEnd(10),
    transfers: {
      'in-process': inProcessTransfer(new Containers(context.environment), context.token),
      raw: rawTransfer(context.client, context.tableName, context.rawAccounts),
    } satisfies Record<ProbeMode, TransferFn>,
    accountIds: { 'in-process': context.manyAccountIds, raw: rawManyIds(context) },
    runs: probeScenarios.map((): Scenario[] => []),
    postings: 0,
  }));
  for (const subject of subjects) {
    for (const mode of ['in-process', 'raw'] as const) {
      const warmUp = randomPairs(subject.accountIds[mode], 98);
      subject.context.postings += (await runLoad(subject.transfers[mode], warmUp, 64, 8)).ok;
    }
    subject.postings = subject.context.postings;
  }
  print(
    `Growth probe, ${config.probeRuns} interleaved rounds: ` +
      subjects.map((s) => `${s.context.label} table after ${s.postings} postings`).join(', '),
  );
  (globalThis as { gc?: () => void }).gc?.();
  for (let run = 0; run < config.probeRuns; run += 1) {
    for (const [index, { mode, concurrency }] of probeScenarios.entries()) {
      const order = (run + index) % 2 === 0 ? subjects : [...subjects].reverse();
      for (const subject of order) {
        subject.runs[index]!.push(
          await measure(
            subject.context,
            mode,
            'many',
            concurrency,
            subject.transfers[mode],
            randomPairs(subject.accountIds[mode], 100 + run),
            config.probeTransfers,
            subject.tag,
          ),
        );
      }
    }
  }
  const [ledgerPoint, controlPoint] = subjects.map((subject): GrowthPoint => ({
    postings: subject.postings,
    runs: subject.runs,
  }));
  return { ledger: ledgerPoint!, control: controlPoint! };
}

interface PreloadReport {
  readonly method: string;
  readonly postings: number;
  readonly seconds: number;
  readonly detail: string;
}

async function preloadThroughUseCase(context: BenchContext, count: number): Promise<PreloadReport> {
  const started = performance.now();
  let committed = 0;
  const refused = new Map<string, number>();
  // Batches until `count` commit: a conflict that runs out of budget is simply not counted.
  while (committed < count) {
    const load = await runLoad(
      useCaseTransfer(context.deps),
      randomPairs(context.preloadAccountIds, 1_000 + committed),
      count - committed,
      config.preloadConcurrency,
    );
    committed += load.ok;
    for (const [kind, n] of load.failures) increment(refused, kind, n);
    if (load.ok === 0) {
      // Every one refused (on very few accounts, KYC day limits run out): more rounds won't help.
      throw new Error(
        `The preload stopped at ${committed} of ${count} postings: ` +
          [...refused].map(([kind, n]) => `${kind} x${n}`).join(', '),
      );
    }
  }
  context.postings += committed;
  await resyncRawAccounts(context);
  const seconds = (performance.now() - started) / 1000;
  return {
    method:
      `the transfer use case (move-money.ts), ${config.preloadConcurrency} concurrent, random ` +
      `pairs of all ${context.preloadAccountIds.length} accounts`,
    postings: committed,
    seconds,
    detail:
      `${fixed(committed / Math.max(seconds, 1e-3), 0)} postings/s` +
      (refused.size > 0
        ? `; refused and not counted: ${[...refused].map(([kind, n]) => `${kind} x${n}`).join(', ')}`
        : ''),
  };
}

/** How much postings/s the use-case preload's first part needs to be timed against the budget. */
const USE_CASE_SAMPLE = 1_000;

/**
 * Brings a table's history to `target` postings: through the transfer use case, first for up to
 * USE_CASE_SAMPLE postings (which also times it), then for the rest too when that would take under
 * the budget (or BENCH_PRELOAD says so), otherwise by BatchWriteItem. Returns one line per part.
 */
async function preloadHistory(context: BenchContext, target: number): Promise<string[]> {
  const lines: string[] = [];
  const describePart = (part: PreloadReport) =>
    `${context.tableName}: ${part.postings} postings by ${part.method}, ` +
    `${fixed(part.seconds, 1)} s (${part.detail})`;
  let remaining = Math.max(0, target - context.postings);
  if (remaining === 0) {
    return [`${context.tableName}: none needed (${context.postings} postings already)`];
  }
  const sample = await preloadThroughUseCase(context, Math.min(remaining, USE_CASE_SAMPLE));
  lines.push(describePart(sample));
  print(`Preload ${lines.at(-1)}`);
  remaining = Math.max(0, target - context.postings);
  if (remaining === 0) return lines;
  const useCaseRate = sample.postings / Math.max(sample.seconds, 1e-3);
  const estimate = remaining / useCaseRate;
  const method: 'usecase' | 'batch' =
    config.preload === 'auto'
      ? estimate > config.preloadBudgetSeconds
        ? 'batch'
        : 'usecase'
      : config.preload;
  print(
    `Preloading ${remaining} more postings to reach ${target}: the use case would take ` +
      `~${fixed(estimate, 0)} s at ${fixed(useCaseRate, 0)} postings/s; using ` +
      (method === 'batch' ? 'BatchWriteItem' : 'the use case') +
      (config.preload === 'auto'
        ? ` (budget ${config.preloadBudgetSeconds} s)`
        : ' (BENCH_PRELOAD)'),
  );
  let rest: PreloadReport;
  if (method === 'usecase') {
    rest = await preloadThroughUseCase(context, remaining);
  } else {
    const started = performance.now();
    const written = await preloadByBatchWrite(context, remaining);
    context.postings += written.postings;
    const seconds = (performance.now() - started) / 1000;
    rest = {
      method:
        'BatchWriteItem of the history lines and audit records buildPosting plans (4 items a ' +
        'posting, 8 requests in flight), then each account item written once',
      postings: written.postings,
      seconds,
      detail: `${written.items} items, ${fixed(written.postings / seconds, 0)} postings/s`,
    };
  }
  lines.push(describePart(rest));
  print(`Preload ${lines.at(-1)}`);
  return lines;
}

/** A low-level client for the table's DynamoDB Local (table creation, the cost model). */
function adminClient(environment: Environment): DynamoDBClient {
  const endpoint = environment.dynamodbEndpoint;
  if (endpoint === undefined) throw new Error('The bench runs on DynamoDB Local only');
  return new DynamoDBClient({
    endpoint,
    region: environment.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/**
 * One table with the system seeded, an administrator signed in, the many accounts and the hot
 * pair opened and funded through the handlers, and the raw baseline's account items.
 */
async function prepareHistory(
  label: string,
  environment: Environment,
  counter: WireCounter,
): Promise<BenchContext> {
  const started = performance.now();
  const { tableName } = environment;
  const admin = adminClient(environment);
  await ensureTable(admin, tableName, mainTable);
  admin.destroy();
  // The bench's own runtime on this table: seeding, account reads and the preloads.
  const { dependencies: deps } = createRuntime(environment);
  await seedSystem(deps);
  // Every route but the public ones wants a bearer token: the administrator signs in once.
  const password = `Bench-${randomBytes(12).toString('base64url')}-1a!`;
  await ensureAdministrator(deps, password);
  const signedIn = await login(deps, { username: 'admin', password });
  if (!signedIn.ok)
    throw new Error(`The bench administrator could not sign in: ${signedIn.error.code}`);
  const token = signedIn.value.accessToken;
  const api = inProcessApi(environment, deps, token);

  const accountIds: string[] = new Array<string>(config.accounts + 2);
  let nextToOpen = 0;
  const opener = async (): Promise<void> => {
    for (let index = nextToOpen++; index < accountIds.length; index = nextToOpen++) {
      accountIds[index] = await openAccount(api, index);
    }
  };
  await Promise.all(Array.from({ length: config.setupConcurrency }, opener));
  const client = createDocumentClient({
    region: environment.region,
    endpoint: environment.dynamodbEndpoint,
  });
  const rawAccounts = await createRawAccounts(client, tableName);
  print(
    `Setup of the ${label} table (${tableName} on ${environment.dynamodbEndpoint}): ${accountIds.length} accounts opened and funded with ` +
      `${config.openingDeposit} each, ${rawAccounts.size} raw-baseline account items ` +
      `(${fixed((performance.now() - started) / 1000, 1)} s)`,
  );
  return {
    label,
    environment,
    deps,
    token,
    client,
    tableName,
    counter,
    manyAccountIds: accountIds.slice(0, config.accounts),
    hotAccountIds: [accountIds[config.accounts]!, accountIds[config.accounts + 1]!],
    rawAccounts,
    preloadAccountIds: [...accountIds, ...rawAccounts.keys()],
    postings: accountIds.length,
  };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const runStarted = performance.now();
  const counter = new WireCounter();
  installWireCounter(counter);

  print('Nexum ledger benchmark on DynamoDB Local (in memory; the ledger and a control table)');
  // Two engines: the ledger table's, and the growth probe's control table's. In one engine a
  // small table beside a big one runs 2-3 times slower than either alone, which would make the
  // small history look slow.
  const engines: DynamoDbLocal[] = [];
  process.on('exit', () => engines.forEach((engine) => killGroup(engine.pid, 'SIGKILL')));
  const scratch = mkdtempSync(join(tmpdir(), 'nexum-bench-'));
  let server: Server | undefined;
  try {
    engines.push(await startDynamoDbLocal({}), await startDynamoDbLocal({}));
    const [dynamo, controlDynamo] = engines as [DynamoDbLocal, DynamoDbLocal];
    // The Lambda modules read these at import, exactly as in AWS: they serve the ledger table,
    // which gets the big history and the scenario matrix. The control table differs only in its
    // name and engine.
    Object.assign(process.env, {
      NEXUM_TENANT: 'bench',
      NEXUM_TABLE_NAME: 'nexum-bench-main',
      NEXUM_DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      NEXUM_KEYRING_PATH: join(scratch, 'keyring.json'),
      // Tokens are signed with a key file created on first use; a token a table serves the run.
      NEXUM_JWT_KEY_PATH: join(scratch, 'jwt-signing-key.json'),
      NEXUM_ACCESS_TOKEN_TTL_SECONDS: '3600',
      NEXUM_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
      NEXUM_VALIDATE_RESPONSES: 'false',
    });
    const environment = parseEnvironment();
    const context = await prepareHistory('ledger', environment, counter);
    const controlContext = await prepareHistory(
      'control',
      parseEnvironment({
        ...process.env,
        NEXUM_TABLE_NAME: 'nexum-bench-control',
        NEXUM_DYNAMODB_ENDPOINT: controlDynamo.endpoint,
      }),
      counter,
    );
    const { tableName, token, rawAccounts } = context;
    const rawMany = rawManyIds(context);
    const rawIds = [...rawAccounts.keys()];
    const rawHot: [string, string] = [rawIds[config.accounts]!, rawIds[config.accounts + 1]!];

    // The local server with the real Lambda modules, on a free port.
    server = createLocalServer({ handlers: groupHandlers, corsOrigins: environment.corsOrigins });
    const listening = server;
    await new Promise<void>((ready, failed) => {
      listening.once('error', failed);
      listening.listen(0, '127.0.0.1', () => ready());
    });
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const transfers: Record<Mode, TransferFn> = {
      raw: rawTransfer(context.client, tableName, rawAccounts),
      'in-process': inProcessTransfer(new Containers(environment), token),
      http: httpTransfer(baseUrl, token),
    };
    const pairsFor = (mode: Mode, topology: Topology, seed: number): PairOf => {
      if (topology === 'hot') {
        return mode === 'raw' ? hotPair(...rawHot) : hotPair(...context.hotAccountIds);
      }
      const many = mode === 'raw' ? rawMany : context.manyAccountIds;
      return randomPairs(topology === 'warm' ? many.slice(0, config.warmAccounts) : many, seed);
    };

    // Warm-up (JIT, connection pools, the Lambda modules' imports, and every in-process
    // container's cold start); not measured.
    for (const mode of ['raw', 'in-process', 'http'] as const) {
      const concurrency = mode === 'in-process' ? Math.max(...config.concurrencies) : 8;
      context.postings += (
        await runLoad(transfers[mode], pairsFor(mode, 'many', 99), 64, concurrency)
      ).ok;
    }

    // What one in-process transfer's TransactWriteItems would cost on DynamoDB.
    counter.forgetLastTransactWrite();
    const probe = await transfers['in-process'](...pairsFor('in-process', 'many', 7)(0), '1.00', 0);
    context.postings += 1;
    const body = counter.lastTransactWrite();
    if (body === undefined) {
      throw new Error(
        `The wire counter saw no TransactWriteItems (the probe answered ${probe.status} ${probe.code ?? ''})`,
      );
    }
    const admin = adminClient(environment);
    const modelled = await modelledWriteUnits(admin, body);
    admin.destroy();

    // The growth probe: both tables at ~1k postings, then again once the ledger table has 50k.
    const preloads = [
      ...(await preloadHistory(context, config.smallHistory)),
      ...(await preloadHistory(controlContext, config.smallHistory)),
    ];
    const before = await probePhase(context, controlContext);
    preloads.push(...(await preloadHistory(context, config.bigHistory)));
    const after = await probePhase(context, controlContext);

    // The matrix, after the probe (its traces, containers, heap and turn queues, stay out of it),
    // on the big history's table.
    print(`Scenarios (${config.transfers} transfers each):`);
    const scenarios: Scenario[] = [];
    for (const topology of ['many', 'warm', 'hot'] as const) {
      for (const concurrency of config.concurrencies) {
        // On the warm set c=1 would repeat the many accounts' c=1: one transfer at a time.
        if (topology === 'warm' && concurrency === 1) continue;
        for (const mode of ['raw', 'in-process', 'http'] as const) {
          scenarios.push(
            await measure(
              context,
              mode,
              topology,
              concurrency,
              transfers[mode],
              pairsFor(mode, topology, concurrency),
              config.transfers,
            ),
          );
        }
      }
    }

    report(scenarios, before, after, preloads, modelled);
    print();
    print(`Total run time ${fixed((performance.now() - runStarted) / 1000, 0)} s.`);
  } finally {
    if (server !== undefined) {
      server.closeAllConnections();
      server.close();
    }
    await Promise.all(engines.map((engine) => engine.stop()));
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column < 3 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
      )
      .join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}

function failuresOf(load: LoadResult): string {
  const failed = load.transfers - load.ok;
  if (failed === 0) return '0';
  return `${failed} (${[...load.failures].map(([kind, n]) => `${kind} x${n}`).join(', ')})`;
}

function breakdownOf(scenario: Scenario): string {
  const per = (n: number) => fixed(n / Math.max(1, scenario.load.ok), 2);
  const calls = [...scenario.wire.calls].map(([operation, n]) => `${operation} ${per(n)}`);
  const errors = [...scenario.wire.errors].map(([kind, n]) => `${kind} ${per(n)}`);
  return [
    calls.join(', '),
    ...(errors.length > 0 ? [`failed attempts: ${errors.join(', ')}`] : []),
  ].join('; ');
}

function wcuOf(scenario: Scenario): string {
  const { wire } = scenario;
  if (wire.writeUnitReports === 0) return 'not reported';
  return fixed(wire.writeUnits / Math.max(1, scenario.load.ok), 1);
}

function row(scenario: Scenario): string[] {
  const { load } = scenario;
  return [
    scenario.mode,
    topologyLabel(scenario.topology),
    String(scenario.concurrency),
    String(load.transfers),
    failuresOf(load),
    fixed(throughput(scenario), 1),
    fixed(percentile(load.latencies, 0.5), 1),
    fixed(percentile(load.latencies, 0.99), 1),
    fixed(callsPerTransfer(scenario), 2),
    wcuOf(scenario),
  ];
}

interface Growth {
  readonly mode: ProbeMode;
  readonly concurrency: number;
  /** Transfers/s of the ledger table over all the rounds, before and after its history grew. */
  readonly ledger: readonly [number, number];
  readonly direct: number;
  /** Transfers/s of the control table over all the rounds of the same two phases. */
  readonly control: readonly [number, number];
  readonly controlRatio: number;
  /** The ledger's change over the machine's drift (the control's, over every probe scenario). */
  readonly corrected: number;
  /** The ledger's change over this scenario's own control alone: the same, noisier. */
  readonly perScenario: number;
}

/**
 * The growth of each probe scenario. A phase's throughput is its transfers over its time across
 * all the rounds (less noisy than a median of a few short runs, and every round counts alike).
 * What the machine did between the phases is the control table's change, taken over all four
 * probe scenarios (the geometric mean of their ratios): the drift of a machine hits them all,
 * and one scenario's control alone adds its own noise to the ledger's (a short c=8 run on a
 * 2-core machine swings by 15%).
 */
function growthOf(before: ProbePhase, after: ProbePhase): { growth: Growth[]; drift: number } {
  const rate = (point: GrowthPoint, index: number) => {
    const runs = point.runs[index] ?? [];
    const seconds = runs.reduce((sum, run) => sum + run.load.seconds, 0);
    if (seconds === 0) throw new Error('No probe run');
    return runs.reduce((sum, run) => sum + run.load.ok, 0) / seconds;
  };
  const measured = probeScenarios.map(({ mode, concurrency }, index) => {
    const ledger = [rate(before.ledger, index), rate(after.ledger, index)] as const;
    const control = [rate(before.control, index), rate(after.control, index)] as const;
    return { mode, concurrency, ledger, control, controlRatio: control[1] / control[0] };
  });
  const drift = Math.exp(
    measured.reduce((sum, { controlRatio }) => sum + Math.log(controlRatio), 0) / measured.length,
  );
  const growth = measured.map((m) => {
    const direct = m.ledger[1] / m.ledger[0];
    return { ...m, direct, corrected: direct / drift, perScenario: direct / m.controlRatio };
  });
  return { growth, drift };
}

function report(
  scenarios: readonly Scenario[],
  before: ProbePhase,
  after: ProbePhase,
  preloads: readonly string[],
  modelled: ModelledCost,
): void {
  const header = [
    'path',
    'accounts',
    'conc',
    'transfers',
    'failed',
    'transfers/s',
    'p50 ms',
    'p99 ms',
    'DDB calls/transfer',
    'WCU/transfer',
  ];
  print();
  print('=== Results ===');
  for (const text of table(header, scenarios.map(row))) print(text);
  print(
    `WCU/transfer is what DynamoDB Local reports for the transfer's TransactWriteItems (failed ` +
      `attempts report nothing). By DynamoDB's pricing rules one in-process transfer's ` +
      `TransactWriteItems (${modelled.items} items, ${modelled.bytes} bytes) costs ` +
      `${modelled.tableUnits + modelled.indexUnits} WCU: ${modelled.tableUnits} for the table and ` +
      `${modelled.indexUnits} for the global indexes (2 per started KB per item, transactional).`,
  );
  print();
  print('DynamoDB requests per successful transfer, by operation (every attempt counts):');
  for (const scenario of scenarios) {
    const label = `${scenario.mode} ${topologyLabel(scenario.topology)} c=${scenario.concurrency}`;
    print(`  ${label.padEnd(26)} ${breakdownOf(scenario)}`);
  }
  print();
  const { growth, drift } = growthOf(before, after);
  print(
    `Throughput after prior postings (${topologyLabel('many')}, over ${config.probeRuns} ` +
      `interleaved rounds; the ledger table after ${before.ledger.postings} and after ` +
      `${after.ledger.postings} postings, the control table meanwhile after ` +
      `${before.control.postings} and ${after.control.postings}):`,
  );
  const rows = growth.map((g) => [
    `${g.mode} c=${g.concurrency}`,
    `${fixed(g.ledger[0], 1)} -> ${fixed(g.ledger[1], 1)}`,
    `${fixed(100 * g.direct, 1)}%`,
    `${fixed(g.control[0], 1)} -> ${fixed(g.control[1], 1)}`,
    `${fixed(100 * g.controlRatio, 1)}%`,
    `${fixed(100 * g.corrected, 1)}%`,
    `${fixed(100 * g.perScenario, 1)}%`,
  ]);
  const growthHeader = [
    'scenario',
    'ledger transfers/s',
    'ratio',
    'control transfers/s',
    'ratio',
    'growth',
    'against own control',
  ];
  for (const text of table(growthHeader, rows)) print(`  ${text}`);
  print(
    `  growth = the ledger's ratio over the machine's drift between the phases, ` +
      `${fixed(100 * drift, 1)}% (the control's ratios, geometric mean): the change the history ` +
      "made. Each round's transfers/s, ledger | control:",
  );
  const everyRun = (point: GrowthPoint, index: number): string =>
    (point.runs[index] ?? []).map((scenario) => fixed(throughput(scenario), 1)).join(' ');
  for (const [index, g] of growth.entries()) {
    print(
      `    ${`${g.mode} c=${g.concurrency}`.padEnd(16)} before ${everyRun(before.ledger, index)} | ` +
        `${everyRun(before.control, index)}; after ${everyRun(after.ledger, index)} | ` +
        everyRun(after.control, index),
    );
  }
  for (const line of preloads) print(`  Preload of ${line}.`);

  // Goals.
  const find = (mode: Mode, topology: Topology, concurrency: number): Scenario => {
    const found = scenarios.find(
      (s) => s.mode === mode && s.topology === topology && s.concurrency === concurrency,
    );
    if (found === undefined) throw new Error(`No scenario ${mode} ${topology} ${concurrency}`);
    return found;
  };
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const percent = (ratio: number) => `${fixed(100 * ratio, 1)}%`;
  const listed = (entries: readonly { concurrency: number; ratio: number }[]) =>
    entries.map(({ concurrency, ratio }) => `c=${concurrency} ${percent(ratio)}`).join(', ');
  print();
  print('=== Goals ===');

  const uncontended = (['in-process', 'http'] as const).map((mode) => find(mode, 'many', 1));
  const roundTrips = uncontended.map(postingCallsPerTransfer);
  const withPrincipal = uncontended.map(callsPerTransfer);
  print(
    `${verdict(roundTrips.every((calls) => calls <= 2))}  <= 2 DynamoDB round trips per transfer ` +
      `(${topologyLabel('many')}, c=1, the transfer's own calls): in-process ` +
      `${fixed(roundTrips[0]!, 2)}, http ${fixed(roundTrips[1]!, 2)}; with the edge's principal ` +
      `lookups (each container caches a principal for NEXUM_PRINCIPAL_CACHE_TTL_SECONDS) in-process ` +
      `${fixed(withPrincipal[0]!, 2)}, http ${fixed(withPrincipal[1]!, 2)}` +
      ` (contended scenarios, for information: ${scenarios
        .filter((s) => s.mode !== 'raw' && s.concurrency > 1)
        .map(
          (s) =>
            `${s.mode}/${s.topology}/c${s.concurrency} ${fixed(postingCallsPerTransfer(s), 2)}`,
        )
        .join(', ')})`,
  );

  /** In-process throughput over raw, per concurrency measured on that topology. */
  const ratiosOn = (topology: Topology) =>
    config.concurrencies
      .filter((c) => scenarios.some((s) => s.topology === topology && s.concurrency === c))
      .map((c) => ({
        concurrency: c,
        ratio: throughput(find('in-process', topology, c)) / throughput(find('raw', topology, c)),
      }));
  const ratios = ratiosOn('many');
  print(
    `${verdict(ratios.every(({ ratio }) => ratio >= 0.6))}  in-process throughput >= 60% of the raw ` +
      `baseline (${topologyLabel('many')}): ${listed(ratios)} (for information, the warm set ` +
      `${listed(ratiosOn('warm'))}; the hot pair ${listed(ratiosOn('hot'))})`,
  );

  const growthOn = (mode: ProbeMode, measure: 'corrected' | 'direct' | 'perScenario') =>
    growth
      .filter((g) => g.mode === mode)
      .map((g) => ({ concurrency: g.concurrency, ratio: g[measure] }));
  print(
    `${verdict(growthOn('in-process', 'corrected').every(({ ratio }) => ratio >= 0.9))}  throughput ` +
      `after ${after.ledger.postings} postings >= 90% of after ${before.ledger.postings} ` +
      `(in-process, ${topologyLabel('many')}, over the drift the control table saw): ` +
      `${listed(growthOn('in-process', 'corrected'))} (for information: the ledger table alone ` +
      `${listed(growthOn('in-process', 'direct'))}, against each scenario's own control ` +
      `${listed(growthOn('in-process', 'perScenario'))}; the raw baseline over the drift ` +
      `${listed(growthOn('raw', 'corrected'))}, alone ${listed(growthOn('raw', 'direct'))})`,
  );

  const hot32 = (['in-process', 'http'] as const).map((mode) => find(mode, 'hot', 32));
  const failed = hot32.map((s) => s.load.transfers - s.load.ok);
  print(
    `${verdict(failed.every((n) => n === 0))}  zero failed requests at c=32 on the hot pair: ` +
      `in-process ${failuresOf(hot32[0]!.load)}, http ${failuresOf(hot32[1]!.load)}`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench:ledger failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    if (error instanceof Error && error.cause !== undefined) {
      process.stderr.write(
        `  cause: ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : JSON.stringify(error.cause)}\n`,
      );
    }
    process.exit(1);
  },
);
