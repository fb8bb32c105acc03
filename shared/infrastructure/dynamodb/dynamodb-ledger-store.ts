import { randomUUID } from 'node:crypto';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandOutput,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Account, ChainHead } from '../../domain/ledger/account';
import { chartOfAccounts, type GlCode } from '../../domain/ledger/chart-of-accounts';
import type { JournalEntry } from '../../domain/ledger/journal-entry';
import type { FxRate } from '../../domain/ledger/posting-rules';
import type { CurrencyCode } from '../../domain/money';
import type {
  AuditChainInfo,
  AuditFilter,
  GlBalance,
  UserFilter,
  LedgerStore,
  Page,
  PageRequest,
} from '../../application/ledger/ledger-store';
import type {
  AccountLine,
  AuditRecord,
  CommitResult,
  Hold,
  IdempotencyRecord,
  RefreshTokenRecord,
  StoredCustomer,
  StoredDocument,
  TransactionRecord,
  TurnQueue,
  WriteOp,
} from '../../application/ledger/records';
import { WriteOutcomeUnknownError, type TurnState } from '../../application/ledger/ledger-store';
import type { AuditCheckpoint, ChainHeadMark } from '../../application/audit/checkpoints';
import {
  identityKeys,
  refreshTokenOf,
  ROLES_INDEX,
  roleOf,
  userOf,
  USERS_INDEX,
} from './identity-items';
import type { Role } from '../../domain/identity/roles';
import { AUDIT_SHARDS, keys } from './keys';
import type { User } from '../../domain/identity/user';

/** Chain heads per checkpoint chunk item (~100 bytes each, far below 400 KB). */
const CHECKPOINT_CHUNK = 1_000;
import {
  accountLineOf,
  accountOf,
  auditOf,
  customerOf,
  bigintOf,
  entryOf,
  holdOf,
  idempotencyOf,
  intOf,
  transactionOf,
  type Item,
} from './ledger-items';
import {
  abandonTicketUpdate,
  CONTENDED_FOR_SECONDS,
  passTurnUpdate,
  transactItemOf,
  type TransactItem,
} from './ledger-writes';
import { interestKeys } from './interest-items';
import { BUSINESS_DATE_CHAIN } from '../../application/interest/business-date';
import { batchGetAll, queryAll } from './table-reads';
import { decodeCursor, encodeCursor } from './cursor';

/** Observes the store's round trips and consumed write units (benchmarks, tests). */
export interface StoreMetrics {
  onCall(operation: string, consumedWriteUnits?: number): void;
}

/** The ledger on DynamoDB: one table, one TransactWriteItems per unit of work. */
export class DynamoDbLedgerStore implements LedgerStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly metrics?: StoreMetrics,
    /** Checks a unit of work before it is written (the outbox events against the catalogue). */
    private readonly checkOps?: (ops: readonly WriteOp[]) => void,
  ) {}

  async loadAccounts(
    accountIds: readonly string[],
    idempotencyKey?: string,
    customerIds: readonly string[] = [],
  ): Promise<{
    accounts: ReadonlyMap<string, Account>;
    idempotency: IdempotencyRecord | undefined;
    customers: ReadonlyMap<string, StoredCustomer>;
    queuedOn?: ReadonlySet<string>;
  }> {
    const wanted = [...new Set(accountIds)].map((id) => keys.account(id));
    if (idempotencyKey !== undefined) wanted.push(keys.idempotency(idempotencyKey));
    for (const id of new Set(customerIds)) wanted.push(keys.customer(id));
    const items = await this.batchGet(wanted);
    const accounts = new Map<string, Account>();
    const customers = new Map<string, StoredCustomer>();
    let idempotency: IdempotencyRecord | undefined;
    const queuedOn = new Set<string>();
    const now = epochSeconds();
    for (const item of items) {
      if (item.type === 'Account') {
        const account = accountOf(item);
        accounts.set(account.id, account);
        if (contended(item, now)) queuedOn.add(account.id);
      } else if (item.type === 'Customer') {
        const customer = customerOf(item);
        customers.set(customer.id, customer);
      } else if (item.type === 'Idempotency') {
        idempotency = this.liveIdempotency(item);
      }
    }
    return { accounts, idempotency, customers, ...(queuedOn.size > 0 ? { queuedOn } : {}) };
  }

  async takeTicket(queue: TurnQueue): Promise<(TurnState & { ticket: number }) | undefined> {
    // The first ticket drawn is 0, the turn a queue never used starts on.
    if ('key' in queue) {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.turnTickets(queue.key),
          UpdateExpression: 'ADD issued :one SET #type = :type',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':type': 'TurnTickets' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      this.metrics?.onCall('UpdateItem');
      // Whose turn it is lives in another item: read it separately.
      return { ticket: intOf(result.Attributes?.issued) - 1, ...(await this.servingTurn(queue)) };
    }
    // On the account item: from now on its writes that skip the queue fail their condition.
    // Drawing a ticket never changes the account's version, and only an existing account has
    // a queue.
    const result = await this.updateQueue(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.account(queue.account),
        UpdateExpression: 'ADD turnIssued :one SET turnServing = if_not_exists(turnServing, :zero)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (result === 'refused') throw new Error('No such account to queue on');
    if (result === 'busy') return undefined;
    const item = result.Attributes ?? {};
    return { ticket: intOf(item.turnIssued) - 1, ...accountTurnOf(item) };
  }

  async servingTurn(queue: TurnQueue, alongside: readonly string[] = []): Promise<TurnState> {
    if ('account' in queue) {
      const others = [...new Set(alongside)].filter((id) => id !== queue.account);
      if (others.length === 0) {
        const item = await this.get(keys.account(queue.account));
        return item === undefined ? { serving: 0, givenUp: false } : accountTurnOf(item);
      }
      const items = await this.batchGet([queue.account, ...others].map((id) => keys.account(id)));
      const now = epochSeconds();
      let lead: Item | undefined;
      const read: Account[] = [];
      const queued: string[] = [];
      for (const item of items) {
        if (item.type !== 'Account') continue;
        const account = accountOf(item);
        if (account.id === queue.account) {
          lead = item;
          continue;
        }
        read.push(account);
        if (contended(item, now)) queued.push(account.id);
      }
      return {
        ...(lead === undefined ? { serving: 0, givenUp: false } : accountTurnOf(lead)),
        alongside: read,
        queuedAlongside: queued,
      };
    }
    const item = await this.get(keys.turnServing(queue.key));
    const serving = item?.serving === undefined ? 0 : intOf(item.serving);
    return { serving, givenUp: givenUpAt(item?.abandoned, serving) };
  }

  async abandonTicket(queue: TurnQueue, ticket: number): Promise<void> {
    // Refused: the turn went past the ticket meanwhile, nothing is left to skip. Busy: the
    // ticket is passed on as stalled instead.
    await this.updateQueue(
      new UpdateCommand({ TableName: this.tableName, ...abandonTicketUpdate(queue, ticket) }),
    );
  }

  async passTurn(queue: TurnQueue, ticket: number): Promise<boolean> {
    // Refused: someone passed it on already (it looked stalled), nothing of ours to give back.
    const result = await this.updateQueue(
      new UpdateCommand({ TableName: this.tableName, ...passTurnUpdate(queue, ticket) }),
    );
    return result !== 'refused' && result !== 'busy';
  }

  /**
   * One update of a turn queue. On DynamoDB a single-item write meets any transaction in progress
   * on the item (an account's queue lives on the account: TransactionConflict), so it is tried
   * again after a short, growing, random pause; `busy` if the item never came free.
   */
  private async updateQueue(
    command: UpdateCommand,
  ): Promise<UpdateCommandOutput | 'refused' | 'busy'> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const output = await this.client.send(command);
        this.metrics?.onCall('UpdateItem');
        return output;
      } catch (error) {
        this.metrics?.onCall('UpdateItem');
        if (error instanceof ConditionalCheckFailedException) return 'refused';
        if (!(error instanceof TransactionConflictException)) throw error;
        if (attempt >= QUEUE_UPDATE_ATTEMPTS) return 'busy';
        await sleep(jitteredBackoffMs(attempt));
      }
    }
  }

  async getIdempotency(key: string): Promise<IdempotencyRecord | undefined> {
    const item = await this.get(keys.idempotency(key));
    return item === undefined ? undefined : this.liveIdempotency(item);
  }

  async commit(ops: readonly WriteOp[]): Promise<CommitResult> {
    if (ops.length === 0) return { committed: true };
    this.checkOps?.(ops);
    const now = epochSeconds();
    const items: TransactItem[] = ops.map((op) => transactItemOf(op, this.tableName, now));
    if (items.length > 100)
      throw new Error(`A unit of work has ${items.length} writes; the limit is 100`);
    // The token makes the transaction idempotent for ten minutes: while its outcome is unknown
    // (a lost answer, a transaction still in progress, an overloaded or throttled table) it is
    // sent again as is, and DynamoDB applies it at most once.
    const input = {
      TransactItems: items.map((item) => item.request),
      ReturnConsumedCapacity: this.metrics === undefined ? ('NONE' as const) : ('TOTAL' as const),
      ClientRequestToken: randomUUID(),
    };
    for (let resend = 0; ; resend += 1) {
      try {
        const output = await this.client.send(new TransactWriteCommand(input));
        const units = output.ConsumedCapacity?.reduce(
          (sum, c) => sum + (c.WriteCapacityUnits ?? c.CapacityUnits ?? 0),
          0,
        );
        this.metrics?.onCall('TransactWriteItems', units);
        return { committed: true };
      } catch (error) {
        this.metrics?.onCall('TransactWriteItems');
        if (error instanceof TransactionCanceledException) return classify(error, items);
        if (!outcomeUnknown(error)) throw new Error('The ledger write failed', { cause: error });
        if (resend >= COMMIT_RESENDS) {
          // Throttled until the end, nothing was written: the command backs off as contended.
          if (isThrottle(error)) return { committed: false, reason: 'contended' };
          throw new WriteOutcomeUnknownError(error);
        }
        await sleep(jitteredBackoffMs(resend));
      }
    }
  }

  async getCustomer(customerId: string): Promise<StoredCustomer | undefined> {
    const item = await this.get(keys.customer(customerId));
    return item === undefined ? undefined : customerOf(item);
  }

  async findCustomersByIndex(field: 'email', index: string): Promise<readonly StoredCustomer[]> {
    const items = await this.queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `CUSTOMERINDEX#${field}#${index}` },
    });
    return items.map(customerOf);
  }

  async getUser(username: string): Promise<User | undefined> {
    const item = await this.get(identityKeys.user(username));
    return item === undefined ? undefined : userOf(item);
  }

  async getUserById(userId: string): Promise<User | undefined> {
    const pointer = await this.get(identityKeys.userId(userId));
    const user =
      pointer === undefined
        ? await this.userByIdIndex(userId)
        : await this.getUser(String(pointer.username));
    return user?.id === userId ? user : undefined;
  }

  /** Users created before id pointers existed carry their id in GSI1 (eventually consistent). */
  private async userByIdIndex(userId: string): Promise<User | undefined> {
    const [item] = await this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
      ExpressionAttributeValues: { ':pk': `USERID#${userId}`, ':sk': 'USER' },
    });
    return item === undefined ? undefined : this.getUser(String(item.username));
  }

  async listUsers(filter: UserFilter, page: PageRequest): Promise<Page<User>> {
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':pk': USERS_INDEX };
    if (filter.role !== undefined) {
      conditions.push('contains(#roles, :role)');
      values[':role'] = filter.role;
    }
    if (filter.active !== undefined) {
      conditions.push('#active = :active');
      values[':active'] = filter.active;
    }
    return this.filteredPage(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: values,
        ...(conditions.length === 0
          ? {}
          : {
              FilterExpression: conditions.join(' AND '),
              ExpressionAttributeNames: {
                ...(filter.role === undefined ? {} : { '#roles': 'roles' }),
                ...(filter.active === undefined ? {} : { '#active': 'active' }),
              },
            }),
      },
      page,
      userOf,
    );
  }

  async getRole(roleId: string): Promise<Role | undefined> {
    const item = await this.get(identityKeys.role(roleId));
    return item === undefined || item.deletedAt !== undefined ? undefined : roleOf(item);
  }

  async getRoles(roleIds: readonly string[]): Promise<readonly Role[]> {
    if (roleIds.length === 0) return [];
    const items = await this.batchGet([...new Set(roleIds)].map((id) => identityKeys.role(id)));
    return items.filter((item) => item.deletedAt === undefined).map(roleOf);
  }

  async roleIdByName(name: string): Promise<string | undefined> {
    const claim = await this.get(identityKeys.roleName(name));
    return claim === undefined || claim.releasedAt !== undefined ? undefined : String(claim.roleId);
  }

  async listRoles(page: PageRequest): Promise<Page<Role>> {
    return this.queryPage(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': ROLES_INDEX },
      },
      page,
      roleOf,
    );
  }

  async getRefreshToken(tokenId: string): Promise<RefreshTokenRecord | undefined> {
    const item = await this.get(identityKeys.refreshToken(tokenId));
    return item === undefined ? undefined : refreshTokenOf(item);
  }

  async isTokenFamilyRevoked(familyId: string): Promise<boolean> {
    return (await this.get(identityKeys.tokenFamily(familyId))) !== undefined;
  }

  async getTransaction(transactionId: string): Promise<TransactionRecord | undefined> {
    const item = await this.get(keys.transaction(transactionId));
    return item === undefined ? undefined : transactionOf(item);
  }

  async getEntry(entryId: string): Promise<JournalEntry | undefined> {
    const item = await this.get(keys.entry(entryId));
    return item === undefined ? undefined : entryOf(item);
  }

  async listAccountLines(accountId: string, page: PageRequest): Promise<Page<AccountLine>> {
    return this.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.account(accountId).pk, ':prefix': 'LINE#' },
        ScanIndexForward: false,
      },
      page,
      accountLineOf,
    );
  }

  async listCustomerAccounts(customerId: string, page: PageRequest): Promise<Page<Account>> {
    return this.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':prefix': 'ACCOUNT#' },
      },
      page,
      accountOf,
    );
  }

  async getDocument(collection: string, id: string): Promise<StoredDocument | undefined> {
    const item = await this.get(keys.document(collection, id));
    return item === undefined ? undefined : documentOf(item);
  }

  async listDocuments(partition: string, page: PageRequest): Promise<Page<StoredDocument>> {
    return this.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
      },
      page,
      documentOf,
    );
  }

  async listHolds(accountId: string): Promise<readonly Hold[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.account(accountId).pk, ':prefix': 'HOLD#' },
      ConsistentRead: true,
    });
    return items.map(holdOf);
  }

  async getHold(accountId: string, holdId: string): Promise<Hold | undefined> {
    const item = await this.get(keys.hold(accountId, holdId));
    return item === undefined ? undefined : holdOf(item);
  }

  async glBalances(): Promise<readonly GlBalance[]> {
    // Every shard of every GL account, each a small Query in parallel: O(chart size), not O(history).
    const shards = chartOfAccounts.flatMap((account) =>
      Array.from({ length: account.shards }, (_, shard) => ({ code: account.code, shard })),
    );
    const results = await Promise.all(
      shards.map(({ code, shard }) =>
        this.queryAll({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `GLBAL#${code}#${shard}` },
          ConsistentRead: true,
        }),
      ),
    );
    const totals = new Map<string, GlBalance>();
    for (const item of results.flat()) {
      const code = String(item.code) as GlCode;
      const currency = String(item.currency) as CurrencyCode;
      const key = `${code}#${currency}`;
      const current = totals.get(key) ?? { code, currency, debitsMinor: 0n, creditsMinor: 0n };
      totals.set(key, {
        code,
        currency,
        debitsMinor: current.debitsMinor + bigintOf(item.debitsMinor ?? 0),
        creditsMinor: current.creditsMinor + bigintOf(item.creditsMinor ?? 0),
      });
    }
    return [...totals.values()];
  }

  async getFxRate(
    base: CurrencyCode,
    quote: CurrencyCode,
  ): Promise<(FxRate & { asOf: string }) | undefined> {
    if (base === quote) return undefined;
    const items = await this.batchGet([keys.fxRate(base, quote), keys.fxRate(quote, base)]);
    const direct = items.find((item) => item.sk === `${base}#${quote}`) ?? items[0];
    return direct === undefined ? undefined : fxRateOf(direct);
  }

  async listFxRates(): Promise<readonly (FxRate & { asOf: string })[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'FXRATES' },
    });
    return items.map(fxRateOf);
  }

  async getChainHead(chainId: string): Promise<ChainHead | undefined> {
    // Entities carry their own chain's head; other chains keep it in a HEAD item.
    if (chainId.startsWith('USER#')) {
      return (await this.getUserById(chainId.slice('USER#'.length)))?.audit;
    }
    const entityKey = chainId.startsWith('ACCOUNT#')
      ? keys.account(chainId.slice('ACCOUNT#'.length))
      : chainId.startsWith('CUSTOMER#')
        ? keys.customer(chainId.slice('CUSTOMER#'.length))
        : chainId.startsWith('ROLE#')
          ? identityKeys.role(chainId.slice('ROLE#'.length))
          : chainId.startsWith('INTEREST#')
            ? interestKeys.state(chainId.slice('INTEREST#'.length))
            : chainId === BUSINESS_DATE_CHAIN
              ? interestKeys.businessDate()
              : undefined;
    if (entityKey !== undefined) {
      const item = await this.get(entityKey);
      return item === undefined
        ? undefined
        : { seq: intOf(item.auditSeq), hash: String(item.auditHash) };
    }
    const item = await this.get(keys.chainHead(chainId));
    return item === undefined ? undefined : { seq: intOf(item.seq), hash: String(item.hash) };
  }

  async listChains(): Promise<readonly AuditChainInfo[]> {
    const results = await Promise.all(
      Array.from({ length: AUDIT_SHARDS }, (_, shard) =>
        this.queryAll({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `AUDITCHAINS#${shard}` },
        }),
      ),
    );
    return results.flat().map((item) => ({
      chainId: String(item.sk),
      entityType: String(item.entityType),
      entityId: String(item.entityId),
    }));
  }

  async readChain(chainId: string): Promise<readonly AuditRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `AUDIT#${chainId}`, ':prefix': 'SEQ#' },
      ConsistentRead: true,
    });
    return items.map(auditOf);
  }

  async listAuditRecords(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>> {
    if (filter.entityType !== undefined && filter.entityId !== undefined) {
      return this.queryPage(
        {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': `AUDITENTITY#${filter.entityType}#${filter.entityId}`,
          },
          ScanIndexForward: false,
        },
        page,
        auditOf,
      );
    }
    return this.mergedAuditLog(filter, page);
  }

  /**
   * The whole audit log, newest first: a k-way merge of the log's shards. The cursor is the
   * sort key of the last record returned, which orders globally, so each page re-queries each
   * shard strictly below it.
   */
  private async mergedAuditLog(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>> {
    const before = page.cursor === undefined ? undefined : decodeCursor(page.cursor).before;
    const perShard = await Promise.all(
      Array.from({ length: AUDIT_SHARDS }, (_, shard) =>
        this.client
          .send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: 'gsi2',
              KeyConditionExpression:
                before === undefined ? 'gsi2pk = :pk' : 'gsi2pk = :pk AND gsi2sk < :before',
              ExpressionAttributeValues: {
                ':pk': `AUDITLOG#${shard}`,
                ...(before === undefined ? {} : { ':before': before }),
                ...(filter.entityType === undefined ? {} : { ':type': filter.entityType }),
              },
              ...(filter.entityType === undefined
                ? {}
                : { FilterExpression: 'entityType = :type' }),
              ScanIndexForward: false,
              Limit: page.limit + 1,
            }),
          )
          .then((output) => output.Items ?? []),
      ),
    );
    const merged = perShard
      .flat()
      .sort((a, b) => (String(a.gsi2sk) < String(b.gsi2sk) ? 1 : -1))
      .slice(0, page.limit + 1);
    const items = merged.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(auditOf),
      nextCursor:
        merged.length > page.limit && last !== undefined
          ? encodeCursor({ before: String(last.gsi2sk) })
          : null,
    };
  }

  async saveCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    // Heads first, in chunks well under the 400 KB item limit; the header last, create-once, so
    // a reader never sees a header whose heads are missing.
    const chunks: ChainHeadMark[][] = [];
    for (let i = 0; i < checkpoint.heads.length; i += CHECKPOINT_CHUNK) {
      chunks.push(checkpoint.heads.slice(i, i + CHECKPOINT_CHUNK));
    }
    await Promise.all(
      chunks.map((heads, index) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: `AUDITCHECKPOINT#${checkpoint.id}`,
              sk: `CHUNK#${String(index).padStart(6, '0')}`,
              type: 'AuditCheckpointChunk',
              heads,
            },
          }),
        ),
      ),
    );
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: 'AUDITCHECKPOINTS',
          sk: checkpoint.id,
          type: 'AuditCheckpoint',
          id: checkpoint.id,
          at: checkpoint.at,
          previousRoot: checkpoint.previousRoot,
          root: checkpoint.root,
          chainCount: checkpoint.chainCount,
          chunks: chunks.length,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async latestCheckpoint(): Promise<AuditCheckpoint | undefined> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'AUDITCHECKPOINTS' },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const header = output.Items?.[0];
    if (header === undefined) return undefined;
    const chunks = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDITCHECKPOINT#${String(header.id)}` },
      ConsistentRead: true,
    });
    return {
      id: String(header.id),
      at: String(header.at),
      previousRoot: String(header.previousRoot),
      root: String(header.root),
      chainCount: intOf(header.chainCount),
      heads: chunks.flatMap((chunk) =>
        (chunk.heads as Item[]).map((head) => ({
          chainId: String(head.chainId),
          seq: intOf(head.seq),
          hash: String(head.hash),
        })),
      ),
    };
  }

  private liveIdempotency(item: Item): IdempotencyRecord | undefined {
    const record = idempotencyOf(item);
    // TTL deletes lazily; an expired record no longer binds its key.
    return record.expiresAtEpochSeconds * 1000 < Date.now() ? undefined : record;
  }

  private async get(key: Record<string, string>): Promise<Item | undefined> {
    const output = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    this.metrics?.onCall('GetItem');
    return output.Item;
  }

  private batchGet(wanted: readonly Record<string, string>[]): Promise<Item[]> {
    return batchGetAll(this.client, this.tableName, wanted, () =>
      this.metrics?.onCall('BatchGetItem'),
    );
  }

  private queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    return queryAll(this.client, this.tableName, input);
  }

  /**
   * A page of a filtered query. DynamoDB applies a filter after `Limit`, so one call can return
   * fewer matches than asked for; this reads on until the page is full or the index ends, and
   * the cursor is the key of the last item returned, so nothing is skipped or repeated.
   */
  private async filteredPage<T>(
    input: Omit<QueryCommandInput, 'TableName'>,
    page: PageRequest,
    decode: (item: Item) => T,
  ): Promise<Page<T>> {
    if (input.FilterExpression === undefined) return this.queryPage(input, page, decode);
    const found: Item[] = [];
    let start = page.cursor === undefined ? undefined : decodeCursor(page.cursor).key;
    let more = true;
    while (found.length < page.limit && more) {
      const output = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          Limit: page.limit - found.length,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(output.Items ?? []));
      start = output.LastEvaluatedKey;
      more = start !== undefined;
    }
    const last = found.at(-1);
    return {
      items: found.map(decode),
      nextCursor:
        more && last !== undefined
          ? encodeCursor({
              key: { pk: last.pk, sk: last.sk, gsi2pk: last.gsi2pk, gsi2sk: last.gsi2sk },
            })
          : null,
    };
  }

  private async queryPage<T>(
    input: Omit<QueryCommandInput, 'TableName'>,
    page: PageRequest,
    decode: (item: Item) => T,
  ): Promise<Page<T>> {
    const output = await this.client.send(
      new QueryCommand({
        ...input,
        TableName: this.tableName,
        Limit: page.limit,
        ExclusiveStartKey: page.cursor === undefined ? undefined : decodeCursor(page.cursor).key,
      }),
    );
    return {
      items: (output.Items ?? []).map(decode),
      nextCursor:
        output.LastEvaluatedKey === undefined
          ? null
          : encodeCursor({ key: output.LastEvaluatedKey }),
    };
  }
}

function fxRateOf(item: Item): FxRate & { asOf: string } {
  return {
    base: String(item.base) as CurrencyCode,
    quote: String(item.quote) as CurrencyCode,
    rate: String(item.rate),
    asOf: String(item.asOf),
  };
}

/** How often a transaction whose outcome is unknown is sent again with its token (about 3 s). */
const COMMIT_RESENDS = 6;

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** Full jitter on 25 ms doubling per try, capped at one second. */
const jitteredBackoffMs = (tried: number) =>
  Math.floor(Math.random() * Math.min(1_000, 25 * 2 ** (tried + 1)));

/**
 * A TransactWriteItems that failed without a verdict: it may still be applied, so only the same
 * request with the same token may follow it. A cancellation or a refused request is a verdict.
 */
function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionInProgressException' || isThrottle(error)) return true;
  const { $fault, $metadata } = error as {
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  // A server fault (5xx) or no HTTP answer at all (a dropped connection, a timeout).
  return $fault === 'server' || $metadata?.httpStatusCode === undefined;
}

function isThrottle(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded'
  );
}

/**
 * Tells a failed business condition from contention. DynamoDB lists a reason per item: a
 * ConditionalCheckFailed names which write's guard refused (an idempotency key taken wins over
 * everything, then a reversal race, a hold, a stale version), while TransactionConflict or
 * throttling means another transaction held an item: retry.
 */
export function documentOf(item: Item): StoredDocument {
  const index =
    typeof item.gsi1pk === 'string' && typeof item.gsi1sk === 'string'
      ? { partition: item.gsi1pk, sort: item.gsi1sk }
      : undefined;
  return {
    collection: String(item.collection),
    id: String(item.id),
    version: intOf(item.version),
    data: JSON.parse(String(item.data)) as Record<string, unknown>,
    ...(index === undefined ? {} : { index }),
  };
}

/** An account item's turn queue: whose turn it is, whether it was given up, and the account. */
function accountTurnOf(item: Item): TurnState {
  const serving = item.turnServing === undefined ? 0 : intOf(item.turnServing);
  return {
    serving,
    issued: item.turnIssued === undefined ? 0 : intOf(item.turnIssued),
    givenUp: givenUpAt(item.turnAbandoned, serving),
    account: accountOf(item),
  };
}

/** The ticket being served is in the set of given-up tickets. */
function givenUpAt(abandoned: unknown, serving: number): boolean {
  return abandoned instanceof Set && [...abandoned].some((ticket) => intOf(ticket) === serving);
}

/** Commands are queued on the account: tickets were drawn that have not been served yet. */
function hasQueue(item: Item): boolean {
  return item.turnIssued !== undefined && bigintOf(item.turnIssued) > bigintOf(item.turnServing);
}

/**
 * Commands are queued on the account, or were a moment ago: within the last
 * CONTENDED_FOR_SECONDS a turn on it was handed on to others waiting (`contendedAt`). On a hot
 * account the queue empties between two commands now and then; a command that then skipped it
 * would race the next one's write and most likely lose, at the cost of a failed transaction,
 * where drawing a ticket on an empty queue is one small update that hands it the turn at once.
 * Only a hand-over with others waiting marks it, so an account whose queue is used but no longer
 * needed (one command at a time) is back on the uncontended path a moment later.
 */
function contended(item: Item, nowEpochSeconds: number): boolean {
  if (hasQueue(item)) return true;
  return (
    item.contendedAt !== undefined &&
    intOf(item.contendedAt) >= nowEpochSeconds - CONTENDED_FOR_SECONDS
  );
}

function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** How often a queue update is tried while it meets transactions in progress (about 2 s). */
const QUEUE_UPDATE_ATTEMPTS = 8;

/** An account update whose condition failed, with the account item as DynamoDB returned it. */
interface FailedAccountUpdate {
  readonly op: Extract<WriteOp, { kind: 'updateAccount' }>;
  readonly item: Record<string, unknown>;
}

/** A write made on its ticket's turn failed because the turn had moved (passed on as stalled). */
function turnLost(failedAccounts: readonly FailedAccountUpdate[]): boolean {
  return failedAccounts.some(({ op, item }) => {
    if (typeof op.turn !== 'number') return false;
    const serving: unknown = item.turnServing;
    return serving === undefined || bigintOf(serving) !== BigInt(op.turn);
  });
}

function classify(
  error: TransactionCanceledException,
  items: readonly TransactItem[],
): CommitResult {
  const reasons = error.CancellationReasons ?? [];
  const failed = reasons
    .map((reason, index) => ({ code: reason.Code, item: items[index], returned: reason.Item }))
    .filter((entry) => entry.code === 'ConditionalCheckFailed' && entry.item !== undefined);
  // Each account update asks for the item as it is when its condition fails (ALL_OLD).
  const failedAccounts = failed.flatMap(({ item, returned }): FailedAccountUpdate[] =>
    item?.op.kind === 'updateAccount' && returned !== undefined
      ? [{ op: item.op, item: unmarshall(returned, { wrapNumbers: true }) }]
      : [],
  );
  const failureOf = (kind: WriteOp['kind']) => failed.find((entry) => entry.item?.op.kind === kind);
  if (failureOf('putIdempotency') !== undefined)
    return { committed: false, reason: 'idempotency-key-taken' };
  const reversed = failureOf('markReversed')?.item?.op;
  if (reversed?.kind === 'markReversed') {
    return { committed: false, reason: 'already-reversed', transactionId: reversed.transactionId };
  }
  const hold = failureOf('updateHold')?.item?.op;
  if (hold?.kind === 'updateHold')
    return { committed: false, reason: 'hold-not-active', holdId: hold.before.id };
  if (failureOf('useRefreshToken') !== undefined)
    return { committed: false, reason: 'token-already-used' };
  if (failureOf('passTurn') !== undefined || turnLost(failedAccounts)) {
    return { committed: false, reason: 'turn-lost' };
  }
  // A customer whose KYC changed is re-read before a limit is believed.
  const owners = failed.flatMap(({ item }) =>
    item?.op.kind === 'checkCustomer' ? [item.op.customerId] : [],
  );
  if (owners.length > 0) return { committed: false, reason: 'stale', staleOwners: owners };
  const refusedVolume = failureOf('addKycVolume');
  const volume = refusedVolume?.item?.op;
  if (volume?.kind === 'addKycVolume') {
    // The total as the refused write found it (ALL_OLD), for refusing the next without a write.
    const found = refusedVolume?.returned;
    const total: unknown =
      found === undefined ? undefined : unmarshall(found, { wrapNumbers: true }).totalMinor;
    return {
      committed: false,
      reason: 'kyc-limit',
      customerId: volume.customerId,
      period: volume.period,
      periodKey: volume.periodKey,
      ...(total === undefined ? {} : { totalMinor: bigintOf(total) }),
      limitMinor: volume.limitMinor,
      currency: volume.currency,
      tier: volume.tier,
    };
  }
  if (failed.length > 0) {
    const now = epochSeconds();
    const current = failedAccounts.map(({ item }) => accountOf(item));
    const queuedOn = failedAccounts
      .filter(({ item }) => contended(item, now))
      .map(({ op }) => op.before.id);
    return {
      committed: false,
      reason: 'stale',
      ...(current.length > 0 ? { current } : {}),
      ...(queuedOn.length > 0 ? { queued: true, queuedOn } : {}),
    };
  }
  if (
    reasons.some(
      (reason) =>
        reason.Code === 'TransactionConflict' ||
        reason.Code === 'ThrottlingError' ||
        reason.Code === 'ProvisionedThroughputExceeded',
    )
  ) {
    return { committed: false, reason: 'contended' };
  }
  throw new Error('The ledger transaction was cancelled', { cause: error });
}
