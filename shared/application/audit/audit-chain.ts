import { createHash } from 'node:crypto';
import type { ChainHead } from '../../domain/ledger/account';
import type { AuditRecord } from '../ledger/records';

/** The predecessor of every chain's first record. */
export const GENESIS: ChainHead = { seq: 0, hash: '0'.repeat(64) };

/**
 * Canonical JSON: object keys sorted, no whitespace, strings JSON-escaped. Only strings, integers,
 * booleans, null, arrays and plain objects are allowed, so one value has one encoding and the
 * hash does not depend on property order or number formatting.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error('Canonical JSON takes integers only');
    return String(value);
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  throw new Error(`Canonical JSON cannot encode ${typeof value}`);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash of a record: SHA-256 over the canonical encoding of every field but `hash`. */
export function hashOf(record: Omit<AuditRecord, 'hash'>): string {
  return sha256Hex(canonicalJson(record));
}

export interface AuditInput {
  readonly chainId: string;
  readonly at: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly action: string;
  readonly actor: string;
  readonly data: Readonly<Record<string, string>>;
}

/** The next record of a chain whose head is `head`, and the chain's new head. */
export function appendToChain(
  head: ChainHead,
  input: AuditInput,
): { readonly record: AuditRecord; readonly head: ChainHead } {
  const unsigned = { ...input, seq: head.seq + 1, prevHash: head.hash };
  const hash = hashOf(unsigned);
  return { record: { ...unsigned, hash }, head: { seq: unsigned.seq, hash } };
}

export interface ChainVerification {
  readonly valid: boolean;
  readonly checked: number;
  readonly firstInvalid?: {
    readonly chainId: string;
    readonly seq: number;
    readonly reason: 'HASH_MISMATCH' | 'BROKEN_LINK' | 'SEQUENCE_GAP' | 'HEAD_MISMATCH';
  };
}

/**
 * Recomputes a chain from its first record: each hash must match its content, each record must
 * name its predecessor's hash, sequence numbers must be contiguous, and the last record must be
 * the head the entity carries (so a deleted tail is caught too).
 */
export function verifyChain(
  chainId: string,
  records: readonly AuditRecord[],
  head: ChainHead | undefined,
): ChainVerification {
  let previous = GENESIS;
  let checked = 0;
  for (const record of records) {
    checked += 1;
    const invalid = (reason: NonNullable<ChainVerification['firstInvalid']>['reason']) => ({
      valid: false,
      checked,
      firstInvalid: { chainId, seq: record.seq, reason },
    });
    if (record.seq !== previous.seq + 1) return invalid('SEQUENCE_GAP');
    if (record.prevHash !== previous.hash) return invalid('BROKEN_LINK');
    const { hash, ...unsigned } = record;
    if (hashOf(unsigned) !== hash) return invalid('HASH_MISMATCH');
    previous = { seq: record.seq, hash };
  }
  if (head !== undefined && (head.seq !== previous.seq || head.hash !== previous.hash)) {
    return {
      valid: false,
      checked,
      firstInvalid: { chainId, seq: previous.seq + 1, reason: 'HEAD_MISMATCH' },
    };
  }
  return { valid: true, checked };
}

/** The next record of an account's own chain (chain id `ACCOUNT#<id>`). */
export function appendToAccountChain(
  account: { readonly id: string; readonly audit: ChainHead },
  change: {
    readonly at: string;
    readonly action: string;
    readonly actor: string;
    readonly data: Readonly<Record<string, string>>;
  },
): { readonly record: AuditRecord; readonly head: ChainHead } {
  return appendToChain(account.audit, {
    chainId: `ACCOUNT#${account.id}`,
    entityType: 'ACCOUNT',
    entityId: account.id,
    ...change,
  });
}

/** The first record of a new account's chain (ACCOUNT_OPENED), from the genesis head. */
export function openAccountChain(
  id: string,
  change: {
    readonly at: string;
    readonly actor: string;
    readonly data: Readonly<Record<string, string>>;
  },
): { readonly record: AuditRecord; readonly head: ChainHead } {
  return appendToAccountChain({ id, audit: GENESIS }, { ...change, action: 'ACCOUNT_OPENED' });
}
