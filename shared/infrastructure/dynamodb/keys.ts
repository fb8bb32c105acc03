import { createHash } from 'node:crypto';

/**
 * Key builders of the single-table design (docs/ledger.md lists every item). Each item type
 * prefixes its keys so types never collide and a Query never returns a foreign item.
 */
export const keys = {
  account: (id: string) => ({ pk: `ACCOUNT#${id}`, sk: 'ACCOUNT' }),
  accountLine: (accountId: string, entryId: string, part?: string) => ({
    pk: `ACCOUNT#${accountId}`,
    sk: part === undefined ? `LINE#${entryId}` : `LINE#${entryId}#${part}`,
  }),
  hold: (accountId: string, holdId: string) => ({
    pk: `ACCOUNT#${accountId}`,
    sk: `HOLD#${holdId}`,
  }),
  customer: (id: string) => ({ pk: `CUSTOMER#${id}`, sk: 'CUSTOMER' }),
  kycVolume: (customerId: string, currency: string, period: string, periodKey: string) => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `KYCVOL#${currency}#${period}#${periodKey}`,
  }),
  customerLookup: (field: string, value: string, customerId: string) => ({
    pk: `CUSTOMERINDEX#${field}#${value}`,
    sk: `CUSTOMER#${customerId}`,
  }),
  transaction: (id: string) => ({ pk: `TXN#${id}`, sk: 'TXN' }),
  entry: (id: string) => ({ pk: `ENTRY#${id}`, sk: 'ENTRY' }),
  glBalance: (code: string, shard: number, currency: string) => ({
    pk: `GLBAL#${code}#${shard}`,
    sk: `CUR#${currency}`,
  }),
  auditRecord: (chainId: string, seq: number) => ({
    pk: `AUDIT#${chainId}`,
    sk: `SEQ#${String(seq).padStart(12, '0')}`,
  }),
  chainHead: (chainId: string) => ({ pk: `AUDIT#${chainId}`, sk: 'HEAD' }),
  chainRegistry: (chainId: string) => ({
    pk: `AUDITCHAINS#${shardOf(chainId, AUDIT_SHARDS)}`,
    sk: chainId,
  }),
  outbox: (eventId: string) => ({ pk: `OUTBOX#${eventId}`, sk: 'EVENT' }),
  /** GSI2 of an outbox event until it is published (sparse: removed on publish). */
  outboxPending: (eventId: string) => ({
    gsi2pk: `OUTBOXPENDING#${shardOf(eventId, OUTBOX_SHARDS)}`,
    gsi2sk: eventId,
  }),
  /** GSI2 of an outbox event the publisher gave up on (dead-lettered). */
  outboxDead: (eventId: string) => ({
    gsi2pk: `OUTBOXDEAD#${shardOf(eventId, OUTBOX_SHARDS)}`,
    gsi2sk: eventId,
  }),
  idempotency: (key: string) => ({ pk: `IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' }),
  document: (collection: string, id: string) => ({ pk: `DOC#${collection}#${id}`, sk: 'DOC' }),
  fxRate: (base: string, quote: string) => ({ pk: 'FXRATES', sk: `${base}#${quote}` }),
  /** A contended key's turn queue: the ticket dispenser and the ticket being served. */
  turnTickets: (key: string) => ({ pk: `TURN#${key}`, sk: 'TICKETS' }),
  turnServing: (key: string) => ({ pk: `TURN#${key}`, sk: 'SERVING' }),
} as const;

/** Partitions the audit log and chain registry are spread over (GSI write capacity). */
export const AUDIT_SHARDS = 8;
/** Partitions of the sparse GSI3 index of customers by PII key version. */
export const PIIKEY_SHARDS = 4;
/** Partitions the outbox index is spread over. */
export const OUTBOX_SHARDS = 4;

/** A stable shard for a string: the same id always lands in the same partition. */
export function shardOf(value: string, shards: number): number {
  return createHash('sha256').update(value).digest().readUInt32BE(0) % shards;
}

/** Zero-padded sequence for sort keys that must order numerically. */
export const padSeq = (seq: number): string => String(seq).padStart(12, '0');
