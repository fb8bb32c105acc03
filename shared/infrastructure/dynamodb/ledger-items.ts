import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { Account, OwnerKyc } from '../../domain/ledger/account';
import type { GlCode } from '../../domain/ledger/chart-of-accounts';
import type { JournalEntry, JournalLine } from '../../domain/ledger/journal-entry';
import type { CurrencyCode } from '../../domain/money';
import type {
  AccountLine,
  AuditRecord,
  Hold,
  IdempotencyRecord,
  StoredCustomer,
  TransactionRecord,
} from '../../application/ledger/records';
import type { SubjectKey } from '../../application/field-cipher';
import type { LookupField } from '../../domain/customer';
import { AUDIT_SHARDS, PIIKEY_SHARDS, keys, padSeq, shardOf } from './keys';

/*
 * Codecs between domain records and DynamoDB items. Amounts are integer minor units in `N`
 * attributes (written from bigint, read through wrapNumbers as strings), never floats.
 */

export type Item = Record<string, NativeAttributeValue>;

/** Reads an N attribute (a NumberValue under wrapNumbers) as an exact bigint. */
export function bigintOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  if (value !== null && typeof value === 'object' && 'value' in value) {
    return BigInt((value as { value: string }).value);
  }
  if (typeof value === 'string') return BigInt(value);
  throw new Error(`Not a number attribute: ${typeof value}`);
}

export function intOf(value: unknown): number {
  return Number(bigintOf(value));
}

const str = (value: unknown): string => {
  if (typeof value !== 'string') throw new Error('Expected a string attribute');
  return value;
};
const optStr = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

export function accountItem(account: Account): Item {
  return {
    ...keys.account(account.id),
    type: 'Account',
    id: account.id,
    customerId: account.customerId,
    productType: account.productType,
    ...(account.productId === undefined
      ? {}
      : { productId: account.productId, productVersion: account.productVersion }),
    currency: account.currency,
    name: account.name,
    status: account.status,
    balanceMinor: account.balanceMinor,
    holdsMinor: account.holdsMinor,
    overdraftLimitMinor: account.overdraftLimitMinor,
    availableMinor: account.balanceMinor - account.holdsMinor + account.overdraftLimitMinor,
    controlAccount: account.controlAccount,
    ...(account.ownerKyc === undefined ? {} : { ownerKyc: ownerKycItem(account.ownerKyc) }),
    version: account.version,
    auditSeq: account.audit.seq,
    auditHash: account.audit.hash,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    gsi1pk: `CUSTOMER#${account.customerId}`,
    gsi1sk: `ACCOUNT#${account.id}`,
  };
}

export function accountOf(item: Item): Account {
  return {
    id: str(item.id),
    customerId: str(item.customerId),
    productType: str(item.productType) as Account['productType'],
    ...(typeof item.productId === 'string'
      ? { productId: item.productId, productVersion: intOf(item.productVersion) }
      : {}),
    currency: str(item.currency) as CurrencyCode,
    name: str(item.name),
    status: str(item.status) as Account['status'],
    balanceMinor: bigintOf(item.balanceMinor),
    holdsMinor: bigintOf(item.holdsMinor),
    overdraftLimitMinor: bigintOf(item.overdraftLimitMinor),
    controlAccount: str(item.controlAccount) as GlCode,
    ...(typeof item.ownerKyc === 'object' && item.ownerKyc !== null
      ? { ownerKyc: ownerKycOf(item.ownerKyc as Item) }
      : {}),
    version: intOf(item.version),
    audit: { seq: intOf(item.auditSeq), hash: str(item.auditHash) },
    createdAt: str(item.createdAt),
    updatedAt: str(item.updatedAt),
  };
}

/** The owner's KYC standing on an account item (a map; no personal data). */
export function ownerKycItem(owner: OwnerKyc): Item {
  return {
    customerVersion: owner.customerVersion,
    kycStatus: owner.kycStatus,
    kycTier: owner.kycTier,
    ...(owner.kycExpiresAt === undefined ? {} : { kycExpiresAt: owner.kycExpiresAt }),
  };
}

function ownerKycOf(item: Item): OwnerKyc {
  return {
    customerVersion: intOf(item.customerVersion),
    kycStatus: str(item.kycStatus),
    kycTier: intOf(item.kycTier),
    kycExpiresAt: optStr(item.kycExpiresAt),
  };
}

export function transactionItem(transaction: TransactionRecord): Item {
  return {
    ...keys.transaction(transaction.id),
    type: 'Transaction',
    id: transaction.id,
    txnType: transaction.type,
    status: transaction.status,
    amountMinor: transaction.amountMinor,
    currency: transaction.currency,
    fromAccountId: transaction.fromAccountId,
    toAccountId: transaction.toAccountId,
    journalEntryId: transaction.journalEntryId,
    description: transaction.description,
    reference: transaction.reference,
    channel: transaction.channel,
    valueDate: transaction.valueDate,
    bookingDate: transaction.bookingDate,
    createdAt: transaction.createdAt,
    reversalOf: transaction.reversalOf,
    fx:
      transaction.fx === undefined
        ? undefined
        : { ...transaction.fx, convertedMinor: transaction.fx.convertedMinor },
    fraud:
      transaction.fraud === undefined
        ? undefined
        : { ...transaction.fraud, reasons: [...transaction.fraud.reasons] },
    fee: transaction.fee === undefined ? undefined : { ...transaction.fee },
  };
}

export function transactionOf(item: Item): TransactionRecord {
  const fx = item.fx as Item | undefined;
  const fraud = item.fraud as Item | undefined;
  const fee = item.fee as Item | undefined;
  return {
    id: str(item.id),
    type: str(item.txnType) as TransactionRecord['type'],
    status: str(item.status) as TransactionRecord['status'],
    amountMinor: bigintOf(item.amountMinor),
    currency: str(item.currency) as CurrencyCode,
    fromAccountId: optStr(item.fromAccountId),
    toAccountId: optStr(item.toAccountId),
    journalEntryId: optStr(item.journalEntryId),
    description: optStr(item.description),
    reference: optStr(item.reference),
    channel: optStr(item.channel),
    valueDate: str(item.valueDate),
    bookingDate: str(item.bookingDate),
    createdAt: str(item.createdAt),
    reversalOf: optStr(item.reversalOf),
    reversedBy: optStr(item.reversedBy),
    fx:
      fx === undefined
        ? undefined
        : {
            base: str(fx.base) as CurrencyCode,
            quote: str(fx.quote) as CurrencyCode,
            rate: str(fx.rate),
            convertedMinor: bigintOf(fx.convertedMinor),
            convertedCurrency: str(fx.convertedCurrency) as CurrencyCode,
            rounding: str(fx.rounding),
          },
    ...(fraud === undefined
      ? {}
      : {
          fraud: {
            score: optStr(fraud.score),
            action: str(fraud.action) as 'APPROVE' | 'REVIEW' | 'BLOCK',
            reasons: (fraud.reasons as unknown[]).map(String),
            source: str(fraud.source),
          },
        }),
    ...(fee === undefined
      ? {}
      : {
          fee: {
            accountId: str(fee.accountId),
            amountMinor: bigintOf(fee.amountMinor),
            description: str(fee.description),
          },
        }),
  };
}

export function entryItem(entry: JournalEntry): Item {
  return {
    ...keys.entry(entry.id),
    type: 'JournalEntry',
    id: entry.id,
    transactionId: entry.transactionId,
    lines: entry.lines.map((line) => ({
      account:
        line.account.kind === 'gl'
          ? `GL:${line.account.code}`
          : `ACCOUNT:${line.account.accountId}`,
      side: line.side,
      currency: line.currency,
      amountMinor: line.amountMinor,
    })),
    valueDate: entry.valueDate,
    bookingDate: entry.bookingDate,
    postedAt: entry.postedAt,
    description: entry.description,
    reversalOf: entry.reversalOf,
  };
}

export function entryOf(item: Item): JournalEntry {
  const lines = (item.lines as Item[]).map((line): JournalLine => {
    const ref = str(line.account);
    return {
      account: ref.startsWith('GL:')
        ? { kind: 'gl', code: ref.slice(3) as GlCode }
        : { kind: 'customer', accountId: ref.slice('ACCOUNT:'.length) },
      side: str(line.side) as JournalLine['side'],
      currency: str(line.currency) as CurrencyCode,
      amountMinor: bigintOf(line.amountMinor),
    };
  });
  return {
    id: str(item.id),
    transactionId: str(item.transactionId),
    lines,
    valueDate: str(item.valueDate),
    bookingDate: str(item.bookingDate),
    postedAt: str(item.postedAt),
    description: optStr(item.description),
    reversalOf: optStr(item.reversalOf),
  };
}

export function accountLineItem(line: AccountLine): Item {
  const { type: txnType, ...rest } = line;
  return {
    ...keys.accountLine(line.accountId, line.entryId, line.part),
    ...rest,
    type: 'AccountLine',
    txnType,
  };
}

export function accountLineOf(item: Item): AccountLine {
  return {
    accountId: str(item.accountId),
    entryId: str(item.entryId),
    transactionId: str(item.transactionId),
    type: str(item.txnType) as AccountLine['type'],
    side: str(item.side) as AccountLine['side'],
    amountMinor: bigintOf(item.amountMinor),
    currency: str(item.currency) as CurrencyCode,
    balanceAfterMinor: bigintOf(item.balanceAfterMinor),
    description: optStr(item.description),
    valueDate: str(item.valueDate),
    bookingDate: str(item.bookingDate),
    postedAt: str(item.postedAt),
    ...(item.part === 'FEE' ? { part: 'FEE' as const } : {}),
  };
}

export function holdItem(hold: Hold): Item {
  return { ...keys.hold(hold.accountId, hold.id), type: 'Hold', ...hold };
}

export function holdOf(item: Item): Hold {
  return {
    id: str(item.id),
    accountId: str(item.accountId),
    amountMinor: bigintOf(item.amountMinor),
    currency: str(item.currency) as CurrencyCode,
    reason: str(item.reason),
    status: str(item.status) as Hold['status'],
    expiresAt: optStr(item.expiresAt),
    createdAt: str(item.createdAt),
    releasedAt: optStr(item.releasedAt),
  };
}

export function auditItem(record: AuditRecord): Item {
  const sortKey = `${record.at}#${record.chainId}#${padSeq(record.seq)}`;
  return {
    ...keys.auditRecord(record.chainId, record.seq),
    type: 'AuditRecord',
    ...record,
    gsi1pk: `AUDITENTITY#${record.entityType}#${record.entityId}`,
    gsi1sk: sortKey,
    gsi2pk: `AUDITLOG#${shardOf(record.chainId, AUDIT_SHARDS)}`,
    gsi2sk: sortKey,
  };
}

export function auditOf(item: Item): AuditRecord {
  return {
    chainId: str(item.chainId),
    seq: intOf(item.seq),
    at: str(item.at),
    entityType: str(item.entityType),
    entityId: str(item.entityId),
    action: str(item.action),
    actor: str(item.actor),
    data: (item.data ?? {}) as Record<string, string>,
    prevHash: str(item.prevHash),
    hash: str(item.hash),
  };
}

export function idempotencyItem(record: IdempotencyRecord): Item {
  return {
    ...keys.idempotency(record.key),
    type: 'Idempotency',
    key: record.key,
    operation: record.operation,
    requestHash: record.requestHash,
    status: record.status,
    body: record.body,
    headers: record.headers,
    createdAt: record.createdAt,
    expiresAt: record.expiresAtEpochSeconds,
  };
}

export function idempotencyOf(item: Item): IdempotencyRecord {
  return {
    key: str(item.key),
    operation: str(item.operation),
    requestHash: str(item.requestHash),
    status: intOf(item.status),
    body: str(item.body),
    headers: (item.headers ?? {}) as Record<string, string>,
    createdAt: str(item.createdAt),
    expiresAtEpochSeconds: intOf(item.expiresAt),
  };
}

/** GSI3's sparse partition of customers whose subject key is wrapped under `keyVersion`. */
export const piiKeyPartition = (keyVersion: string, shard: number): string =>
  `PIIKEY#${keyVersion}#${shard}`;

/** The partition of GSI1 listing every customer, newest first (ids sort by creation time). */
export const CUSTOMER_LIST_PARTITION = 'CUSTOMERS';

export function customerItem(customer: StoredCustomer): Item {
  return {
    ...keys.customer(customer.id),
    type: 'Customer',
    id: customer.id,
    externalId: customer.externalId,
    status: customer.status,
    kycStatus: customer.kycStatus,
    kycTier: customer.kycTier,
    ...(customer.kycVerifiedAt === undefined ? {} : { kycVerifiedAt: customer.kycVerifiedAt }),
    ...(customer.kycExpiresAt === undefined ? {} : { kycExpiresAt: customer.kycExpiresAt }),
    version: customer.version,
    auditSeq: customer.audit.seq,
    auditHash: customer.audit.hash,
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
    ...(customer.erasedAt === undefined ? {} : { erasedAt: customer.erasedAt }),
    ...(customer.pii === undefined ? {} : { pii: customer.pii }),
    ...(customer.beneficiaries.length === 0 ? {} : { beneficiaries: customer.beneficiaries }),
    lookups: customer.lookups,
    gsi1pk: CUSTOMER_LIST_PARTITION,
    gsi1sk: customer.id,
    ...(customer.emailIndex === undefined
      ? {}
      : {
          gsi2pk: `CUSTOMERINDEX#email#${customer.emailIndex}`,
          gsi2sk: `CUSTOMER#${customer.id}`,
        }),
    ...(customer.subjectKey === undefined
      ? {}
      : {
          subjectKey: customer.subjectKey,
          gsi3pk: piiKeyPartition(
            customer.subjectKey.dataKey.keyVersion,
            shardOf(customer.id, PIIKEY_SHARDS),
          ),
          gsi3sk: customer.id,
        }),
  };
}

export function customerOf(item: Item): StoredCustomer {
  return {
    id: str(item.id),
    externalId: optStr(item.externalId),
    status: item.status === 'ERASED' ? 'ERASED' : 'ACTIVE',
    kycStatus: str(item.kycStatus),
    kycTier: intOf(item.kycTier),
    kycVerifiedAt: optStr(item.kycVerifiedAt),
    kycExpiresAt: optStr(item.kycExpiresAt),
    version: intOf(item.version),
    audit: { seq: intOf(item.auditSeq), hash: str(item.auditHash) },
    createdAt: str(item.createdAt),
    updatedAt: str(item.updatedAt),
    erasedAt: optStr(item.erasedAt),
    pii: item.pii as StoredCustomer['pii'],
    subjectKey: item.subjectKey as SubjectKey | undefined,
    beneficiaries: (item.beneficiaries ?? []) as StoredCustomer['beneficiaries'],
    lookups: (item.lookups ?? {}) as Partial<Record<LookupField, string>>,
    emailIndex:
      typeof item.gsi2pk === 'string' && item.gsi2pk.startsWith('CUSTOMERINDEX#email#')
        ? item.gsi2pk.slice('CUSTOMERINDEX#email#'.length)
        : undefined,
  };
}
