import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Dependencies, RetryPolicy } from '../../../../shared/application/ports';
import { createDocumentClient } from '../../../../shared/infrastructure/dynamodb/document-client';
import { DynamoDbLedgerStore } from '../../../../shared/infrastructure/dynamodb/dynamodb-ledger-store';
import type { TestApi } from '../../../support/api-client';

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** What an armed fault does to one TransactWriteItems call. */
export type TransactFault =
  /** Lets the call through untouched (to fault a later one). */
  | { readonly kind: 'none' }
  /** Throws before anything is written, with one cancellation reason per item. */
  | { readonly kind: 'cancel'; readonly reasons: (items: TransactItems) => CancellationReason[] }
  /** Lets the write commit, then throws as if it had been cancelled (a lost or raced answer). */
  | {
      readonly kind: 'commitThenCancel';
      readonly reasons: (items: TransactItems) => CancellationReason[];
    }
  /**
   * Throws `error()` instead of a verdict, before anything is written or (`landed`) after the
   * write went in: a dropped connection, a server fault, a transaction still in progress.
   */
  | { readonly kind: 'throw'; readonly landed: boolean; readonly error: () => Error };

/**
 * Fault injection at the DynamoDB client: every TransactWriteItems call is counted, and armed
 * faults are applied to the next calls in order; UpdateItem calls can be made to fail; any command
 * can be held back to force an interleaving. Everything else passes through untouched.
 */
export class TransactWriteFaults {
  private readonly armed: TransactFault[] = [];
  private readonly delays: {
    matches: (command: unknown) => boolean;
    ms: number;
    caught: () => void;
  }[] = [];
  /** TransactWriteItems calls seen since the last reset, faulted or not. */
  attempts = 0;
  /** How many items each faulted call carried. */
  readonly faultedSizes: number[] = [];
  /** The ClientRequestToken of each of those calls, in order. */
  readonly tokens: (string | undefined)[] = [];

  /**
   * Holds back the next command that `matches` accepts by `ms` before sending it; resolves once
   * that command has been caught (its hold has begun).
   */
  delayNext(matches: (command: unknown) => boolean, ms: number): Promise<void> {
    return new Promise((caught) => this.delays.push({ matches, ms, caught }));
  }

  /** Applies `fault` to each of the next `times` calls (Infinity: every call until reset). */
  arm(fault: TransactFault, times = 1): void {
    if (times === Number.POSITIVE_INFINITY) {
      this.always = fault;
      return;
    }
    for (let i = 0; i < times; i += 1) this.armed.push(fault);
  }

  /** Makes each of the next `times` UpdateItem calls throw `error()` without writing. */
  failUpdates(times: number, error: () => Error): void {
    for (let i = 0; i < times; i += 1) this.updateFaults.push(error);
  }

  /** UpdateItem calls refused by `failUpdates` since the last reset. */
  updatesFailed = 0;

  private readonly updateFaults: (() => Error)[] = [];

  reset(): void {
    this.updateFaults.length = 0;
    this.updatesFailed = 0;
    this.armed.length = 0;
    this.delays.length = 0;
    this.always = undefined;
    this.attempts = 0;
    this.tokens.length = 0;
    this.faultedSizes.length = 0;
  }

  private always: TransactFault | undefined;

  /** Wraps `client.send` so every command passes through here first. */
  install(client: DynamoDBDocumentClient): void {
    const forward = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    const intercept = async (command: unknown): Promise<unknown> => {
      const index = this.delays.findIndex((candidate) => candidate.matches(command));
      const delay = index >= 0 ? this.delays.splice(index, 1)[0] : undefined;
      if (delay !== undefined) {
        delay.caught();
        await new Promise((wake) => setTimeout(wake, delay.ms));
      }
      if (command instanceof UpdateCommand) {
        const error = this.updateFaults.shift();
        if (error === undefined) return forward(command);
        this.updatesFailed += 1;
        throw error();
      }
      if (!(command instanceof TransactWriteCommand)) return forward(command);
      this.attempts += 1;
      this.tokens.push(command.input.ClientRequestToken);
      const fault = this.armed.shift() ?? this.always;
      if (fault === undefined || fault.kind === 'none') return forward(command);
      const items = command.input.TransactItems ?? [];
      this.faultedSizes.push(items.length);
      if (fault.kind === 'throw') {
        if (fault.landed) await forward(command);
        throw fault.error();
      }
      if (fault.kind === 'commitThenCancel') await forward(command);
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: {},
        CancellationReasons: fault.reasons(items),
      });
    };
    client.send = intercept;
  }
}

/** An error as the SDK raises it: `name`, with a server fault or (status undefined) no answer. */
export function sdkError(name: string, httpStatusCode?: number): Error {
  return Object.assign(new Error(`injected ${name}`), {
    name,
    $fault: httpStatusCode === undefined || httpStatusCode < 500 ? 'client' : 'server',
    $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
  });
}

/** Cancellation reasons with `code` on every item (TransactionConflict, ThrottlingError…). */
export const everyItem =
  (code: string) =>
  (items: TransactItems): CancellationReason[] =>
    items.map(() => ({ Code: code, Message: `injected ${code}` }));

/** ConditionalCheckFailed on the idempotency record only, as when a duplicate committed first. */
export const idempotencyKeyTaken = (items: TransactItems): CancellationReason[] =>
  items.map((item) =>
    String(item.Put?.Item?.pk ?? '').startsWith('IDEMPOTENCY#')
      ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }
      : { Code: 'None' },
  );

/**
 * Routes the ledger of a test API (every handler of `createTestApi`) through a DynamoDB client
 * wrapped for fault injection, optionally with another retry policy, and returns the faults to
 * arm. The handlers read their dependencies per request, so the swap takes effect at once.
 */
export function injectFaults(
  api: TestApi,
  options: { readonly retry?: Partial<RetryPolicy> } = {},
): TransactWriteFaults {
  const { environment } = api.table;
  const client = createDocumentClient({
    region: environment.region,
    endpoint: environment.dynamodbEndpoint,
  });
  const faults = new TransactWriteFaults();
  faults.install(client);
  const ledger = new DynamoDbLedgerStore(client, api.table.tableName);
  Object.assign(api.deps, {
    ledger,
    customers: { exists: async (id: string) => (await ledger.getCustomer(id)) !== undefined },
    retry: { ...api.deps.retry, ...options.retry },
  } satisfies Partial<Dependencies>);
  return faults;
}
