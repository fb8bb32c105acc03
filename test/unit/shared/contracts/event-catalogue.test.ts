import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  catalogueJsonSchemas,
  eventCatalogue,
  eventDataProblems,
  eventTypes,
  isCatalogued,
  piiFieldNames,
} from '../../../../shared/contracts/events/catalogue';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every `nexum.<aggregate>.<verb>` literal in the producing code (the catalogue itself excluded). */
function emittedTypes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [
    ...sourceFiles(join(root, 'shared')),
    ...sourceFiles(join(root, 'functions')),
  ]) {
    const path = relative(root, file);
    if (path.startsWith('shared/contracts/')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/['"`](nexum\.[a-z_]+\.[a-z_]+)['"`]/g)) {
      const type = match[1] as string;
      found.set(type, [...(found.get(type) ?? []), path]);
    }
  }
  return found;
}

/** Property names declared anywhere in a JSON Schema. */
function propertyNames(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const own =
    node.properties !== undefined && typeof node.properties === 'object'
      ? Object.keys(node.properties as object)
      : [];
  return [...own, ...Object.values(node).flatMap(propertyNames)];
}

describe('the event catalogue', () => {
  it('catalogues every event type the code emits, and emits every catalogued type', () => {
    const emitted = emittedTypes();
    // The producers are found: the scan is not vacuous. (The integration tier proves it at run
    // time: every commit checks its events against the catalogue in strict mode.)
    expect(emitted.get('nexum.transaction.posted')).toContain(
      'shared/application/ledger/build-posting.ts',
    );
    expect(emitted.get('nexum.fraud.review_approved')).toContain(
      'shared/application/fraud/review-records.ts',
    );
    const uncatalogued = [...emitted.keys()].filter((type) => !isCatalogued(type));
    expect(uncatalogued).toEqual([]);
    expect(eventTypes.filter((type) => !emitted.has(type))).toEqual([]);
  });

  it('names types nexum.<aggregate>.<past-tense-verb> and matches the declared aggregate', () => {
    for (const type of eventTypes) {
      expect(type).toMatch(/^nexum\.[a-z_]+\.[a-z_]+$/);
      // A past participle (`paid` and `repaid` are irregular; `installment_due`, a state reached).
      const words = (type.split('.')[2] ?? '').split('_');
      expect(words.some((w) => /(ed|en)$/.test(w) || ['paid', 'repaid', 'due'].includes(w))).toBe(
        true,
      );
      expect(type.split('.')[1]).toBe(eventCatalogue[type].aggregate);
    }
  });

  it('declares no personal-data field in any data schema', () => {
    for (const entry of catalogueJsonSchemas()) {
      const names = propertyNames(entry.dataSchema);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => (piiFieldNames as readonly string[]).includes(name))).toEqual(
        [],
      );
    }
  });

  it('generates a JSON Schema per type that refuses unknown (possibly personal) fields', () => {
    const schemas = catalogueJsonSchemas();
    expect(schemas.map((entry) => entry.type)).toEqual(eventTypes);
    const posted = schemas.find((entry) => entry.type === 'nexum.transaction.posted');
    expect(posted?.dataSchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['transactionId', 'amount', 'currency']),
    });
    const created = eventCatalogue['nexum.customer.created'].data;
    expect(created.safeParse({ customerId: 'c1', kycStatus: 'PENDING' }).success).toBe(true);
    expect(
      created.safeParse({ customerId: 'c1', kycStatus: 'PENDING', email: 'a@b.example' }).success,
    ).toBe(false);
  });

  it('names the broken paths and rules of bad data, never its values', () => {
    const valid = {
      transactionId: 't1',
      journalEntryId: 'j1',
      type: 'INTEREST_POSTING',
      amount: '125',
      currency: 'USD',
      toAccountId: 'a1',
    };
    expect(eventDataProblems('nexum.transaction.posted', valid)).toEqual([]);
    expect(
      eventDataProblems('nexum.transaction.posted', { ...valid, type: 'LOAN_REPAYMENT' }),
    ).toEqual([]);

    const problems = eventDataProblems('nexum.transaction.posted', {
      ...valid,
      amount: '12.50',
      email: 'ada@example.com',
    });

    expect(problems).toEqual([
      expect.stringMatching(/^amount: /),
      expect.stringMatching(/^\(data\): Unrecognized key.*email/),
    ]);
    expect(problems.join(' ')).not.toContain('ada@example.com');
    expect(problems.join(' ')).not.toContain('12.50');
    expect(eventDataProblems('nexum.thing.happened', {})).toEqual([
      'type nexum.thing.happened is not in the event catalogue',
    ]);
  });

  it('accepts the shapes the producers write for loans and fraud cases', () => {
    const loan = {
      loanId: 'l1',
      customerId: 'c1',
      principalMinor: '1000000',
      currency: 'USD',
      status: 'ACTIVE',
    };
    expect(eventDataProblems('nexum.loan.repaid', { ...loan, transactionId: 't1' })).toEqual([]);
    expect(eventDataProblems('nexum.loan.repaid', loan)).toEqual([
      expect.stringMatching(/^transactionId: /),
    ]);
    expect(
      eventDataProblems('nexum.loan.installment_due', {
        ...loan,
        installmentNumber: 2,
        dueDate: '2026-12-01',
        amountMinor: '88849',
      }),
    ).toEqual([]);
    expect(
      eventDataProblems('nexum.fraud.flagged', {
        transactionId: 't1',
        transactionType: 'WITHDRAWAL',
        amountMinor: '45000',
        currency: 'USD',
        fromAccountId: 'a1',
        action: 'BLOCK',
        outcome: 'REFUSED',
        score: '0.91',
        reasons: ['high_amount'],
        source: 'BASTION',
      }),
    ).toEqual([]);
    // A reason is a rule name: free text (where personal data could hide) is refused.
    expect(
      eventDataProblems('nexum.fraud.review_rejected', {
        transactionId: 't1',
        transactionType: 'TRANSFER',
        amountMinor: '1',
        currency: 'USD',
        reason: 'called Ada Lovelace',
      }),
    ).toHaveLength(1);
  });

  it('is documented: docs/events.md lists every catalogued type, and no other', () => {
    const doc = readFileSync(join(root, 'docs/events.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => line.startsWith('| `nexum.'));
    const documented = rows.flatMap((row) =>
      [...(row.split(' | ')[0] ?? '').matchAll(/`(nexum\.[a-z_]+\.[a-z_]+)`/g)].map((m) => m[1]),
    );
    expect([...documented].sort()).toEqual([...eventTypes].sort());
  });
});
