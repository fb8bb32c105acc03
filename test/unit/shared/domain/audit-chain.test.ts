import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  appendToChain,
  canonicalJson,
  GENESIS,
  hashOf,
  verifyChain,
  type AuditInput,
} from '../../../../shared/application/audit/audit-chain';
import type { AuditRecord } from '../../../../shared/application/ledger/records';
import type { ChainHead } from '../../../../shared/domain/ledger/account';

const chainId = 'ACCOUNT#01TESTCHAIN';

function input(index: number, data: Record<string, string> = {}): AuditInput {
  return {
    chainId,
    at: `2026-01-01T00:00:${String(index % 60).padStart(2, '0')}.000Z`,
    entityType: 'ACCOUNT',
    entityId: '01TESTCHAIN',
    action: index === 0 ? 'ACCOUNT_OPENED' : 'ACCOUNT_CREDITED',
    actor: 'system',
    data: { amountMinor: String(100 * index), ...data },
  };
}

/** A chain of `length` records and the head its entity carries. */
function chainOf(length: number): { records: AuditRecord[]; head: ChainHead } {
  const records: AuditRecord[] = [];
  let head = GENESIS;
  for (let index = 0; index < length; index += 1) {
    const appended = appendToChain(head, input(index));
    records.push(appended.record);
    head = appended.head;
  }
  return { records, head };
}

const replaceAt = (records: readonly AuditRecord[], index: number, record: AuditRecord) =>
  records.map((candidate, i) => (i === index ? record : candidate));

describe('audit hash chains', () => {
  it('start at the genesis head and link each record to the hash of the one before', () => {
    const { records, head } = chainOf(3);

    expect(records.map((record) => record.seq)).toEqual([1, 2, 3]);
    expect(records[0]?.prevHash).toBe(GENESIS.hash);
    expect(records[1]?.prevHash).toBe(records[0]?.hash);
    expect(records[2]?.prevHash).toBe(records[1]?.hash);
    expect(head).toEqual({ seq: 3, hash: records[2]?.hash });
    for (const record of records) {
      const { hash, ...unsigned } = record;
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hashOf(unsigned)).toBe(hash);
    }
  });

  it('verify as valid when untouched, however long', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (length) => {
        const { records, head } = chainOf(length);

        expect(verifyChain(chainId, records, head)).toEqual({ valid: true, checked: length });
      }),
    );
  });

  it('detect a changed field of any record as a hash mismatch at that record', () => {
    const fields = ['at', 'entityType', 'entityId', 'action', 'actor', 'data'] as const;
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((length) =>
            fc.tuple(fc.constant(length), fc.integer({ min: 0, max: length - 1 })),
          ),
        fc.constantFrom(...fields),
        ([length, index], field) => {
          const { records, head } = chainOf(length);
          const original = records[index];
          if (original === undefined) throw new Error('index out of range');
          const tampered: AuditRecord =
            field === 'data'
              ? { ...original, data: { ...original.data, amountMinor: '999999' } }
              : { ...original, [field]: `${original[field]}-edited` };

          const verdict = verifyChain(chainId, replaceAt(records, index, tampered), head);

          expect(verdict).toEqual({
            valid: false,
            checked: index + 1,
            firstInvalid: { chainId, seq: index + 1, reason: 'HASH_MISMATCH' },
          });
        },
      ),
    );
  });

  it('detect an added data field as a hash mismatch', () => {
    const { records, head } = chainOf(2);
    const first = records[0];
    if (first === undefined) throw new Error('empty chain');

    const verdict = verifyChain(
      chainId,
      replaceAt(records, 0, { ...first, data: { ...first.data, note: 'x' } }),
      head,
    );

    expect(verdict.firstInvalid).toEqual({ chainId, seq: 1, reason: 'HASH_MISMATCH' });
  });

  it('detect a record re-hashed after its change as a broken link at its successor', () => {
    const { records, head } = chainOf(4);
    const second = records[1];
    if (second === undefined) throw new Error('short chain');
    const { hash: _hash, ...unsigned } = { ...second, actor: 'mallory' };
    const rehashed: AuditRecord = { ...unsigned, hash: hashOf(unsigned) };

    const verdict = verifyChain(chainId, replaceAt(records, 1, rehashed), head);

    expect(verdict.firstInvalid).toEqual({ chainId, seq: 3, reason: 'BROKEN_LINK' });
  });

  it('detect a record pointing at the wrong predecessor as a broken link', () => {
    const { records, head } = chainOf(3);
    const third = records[2];
    if (third === undefined) throw new Error('short chain');
    const { hash: _hash, ...unsigned } = { ...third, prevHash: GENESIS.hash };

    const verdict = verifyChain(
      chainId,
      replaceAt(records, 2, { ...unsigned, hash: hashOf(unsigned) }),
      head,
    );

    expect(verdict.firstInvalid).toEqual({ chainId, seq: 3, reason: 'BROKEN_LINK' });
  });

  it('detect a deleted record in the middle as a sequence gap', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 3, max: 12 })
          .chain((length) =>
            fc.tuple(fc.constant(length), fc.integer({ min: 0, max: length - 2 })),
          ),
        ([length, deleted]) => {
          const { records, head } = chainOf(length);

          const verdict = verifyChain(
            chainId,
            records.filter((_, i) => i !== deleted),
            head,
          );

          expect(verdict.valid).toBe(false);
          expect(verdict.firstInvalid).toEqual({
            chainId,
            seq: deleted + 2,
            reason: 'SEQUENCE_GAP',
          });
        },
      ),
    );
  });

  it('detect a deleted tail against the head the entity carries', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 12 })
          .chain((length) => fc.tuple(fc.constant(length), fc.integer({ min: 1, max: length }))),
        ([length, removed]) => {
          const { records, head } = chainOf(length);
          const kept = records.slice(0, length - removed);

          const verdict = verifyChain(chainId, kept, head);

          expect(verdict).toEqual({
            valid: false,
            checked: kept.length,
            firstInvalid: { chainId, seq: kept.length + 1, reason: 'HEAD_MISMATCH' },
          });
        },
      ),
    );
  });

  it('detect a head that does not match the last record', () => {
    const { records, head } = chainOf(3);

    expect(verifyChain(chainId, records, { ...head, hash: 'f'.repeat(64) }).firstInvalid).toEqual({
      chainId,
      seq: 4,
      reason: 'HEAD_MISMATCH',
    });
  });
});

/** JSON values canonicalJson encodes: no floats, no undefined. */
const aCanonicalValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** The same value with the keys of every object, at every depth, in another order. */
function reordered(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((inner) => reordered(inner, order));
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const result: Record<string, unknown> = {};
    for (const key of order(Object.keys(source))) {
      Object.defineProperty(result, key, {
        value: reordered(source[key], order),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return result;
  }
  return value;
}

describe('canonical JSON', () => {
  it('does not depend on the order of object keys', () => {
    fc.assert(
      fc.property(aCanonicalValue, (value) => {
        const reversed = reordered(value, (keys) => [...keys].reverse());
        const rotated = reordered(value, (keys) => [...keys.slice(1), ...keys.slice(0, 1)]);

        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
        expect(canonicalJson(rotated)).toBe(canonicalJson(value));
      }),
    );
  });

  it('is JSON that parses back to the same value, with sorted keys and no whitespace', () => {
    fc.assert(
      fc.property(aCanonicalValue, (value) => {
        const text = canonicalJson(value);

        expect(JSON.parse(text)).toEqual(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: '', y: -0 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":0,"z":""}}',
    );
  });

  it('gives the same hash to the same record built in any key order', () => {
    const { records } = chainOf(1);
    const record = records[0];
    if (record === undefined) throw new Error('empty chain');
    const { hash, ...unsigned } = record;
    const shuffled = reordered(unsigned, (keys) => [...keys].sort().reverse()) as Omit<
      AuditRecord,
      'hash'
    >;

    expect(hashOf(shuffled)).toBe(hash);
  });

  it('skips undefined properties and encodes bigints as strings', () => {
    expect(canonicalJson({ a: undefined, b: 2n })).toBe('{"b":"2"}');
  });

  it.each([
    ['a fraction', 1.5],
    ['an unsafe integer', 2 ** 53],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses %s, which has no single encoding', (_, value) => {
    expect(() => canonicalJson({ value })).toThrow('Canonical JSON takes integers only');
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
  ])('refuses %s', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(/Canonical JSON cannot encode/);
  });
});
