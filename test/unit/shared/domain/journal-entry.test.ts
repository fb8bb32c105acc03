import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { chartOfAccounts, type GlCode } from '../../../../shared/domain/ledger/chart-of-accounts';
import {
  assertBalanced,
  customerBalanceDelta,
  reversingLines,
  type JournalLine,
  type LedgerAccountRef,
} from '../../../../shared/domain/ledger/journal-entry';
import type { CurrencyCode } from '../../../../shared/domain/money';

const gl = (code: GlCode): LedgerAccountRef => ({ kind: 'gl', code });
const customer = (accountId: string): LedgerAccountRef => ({ kind: 'customer', accountId });

function line(
  account: LedgerAccountRef,
  side: JournalLine['side'],
  amountMinor: bigint,
  currency: CurrencyCode = 'USD',
): JournalLine {
  return { account, side, currency, amountMinor };
}

const anAccountRef: fc.Arbitrary<LedgerAccountRef> = fc.oneof(
  fc.constantFrom(...chartOfAccounts.map((account) => account.code)).map(gl),
  fc.constantFrom('ACC-A', 'ACC-B', 'ACC-C').map(customer),
);

/**
 * A balanced entry: per currency, some debit lines and some credit lines whose amounts are two
 * different splits of the same total.
 */
const aBalancedEntry: fc.Arbitrary<JournalLine[]> = fc
  .uniqueArray(fc.constantFrom<CurrencyCode>('USD', 'JPY', 'KWD', 'EUR'), {
    minLength: 1,
    maxLength: 3,
  })
  .chain((currencies) =>
    fc.tuple(
      ...currencies.map((currency) =>
        fc
          .record({
            debits: fc.array(fc.bigInt({ min: 1n, max: 10n ** 15n }), {
              minLength: 1,
              maxLength: 4,
            }),
            creditParts: fc.integer({ min: 1, max: 4 }),
            accounts: fc.array(anAccountRef, { minLength: 8, maxLength: 8 }),
          })
          .map(({ debits, creditParts, accounts }) => {
            const total = debits.reduce((sum, amount) => sum + amount, 0n);
            const parts = BigInt(Math.min(creditParts, Number(total < 4n ? total : 4n)));
            const credits = Array.from({ length: Number(parts) }, (_, i) =>
              i === 0 ? total - (parts - 1n) * (total / parts) : total / parts,
            );
            return [
              ...debits.map((amount, i) =>
                line(accounts[i] ?? gl('1000'), 'DEBIT', amount, currency),
              ),
              ...credits.map((amount, i) =>
                line(accounts[4 + i] ?? gl('2000'), 'CREDIT', amount, currency),
              ),
            ];
          }),
      ),
    ),
  )
  .chain((groups) => fc.shuffledSubarray(groups.flat(), { minLength: groups.flat().length }));

describe('journal entries', () => {
  it('accept any entry whose debits equal its credits in every currency', () => {
    fc.assert(
      fc.property(aBalancedEntry, (lines) => {
        expect(() => assertBalanced(lines)).not.toThrow();
      }),
    );
  });

  it('refuse an entry that is off by one minor unit in any currency', () => {
    fc.assert(
      fc.property(aBalancedEntry, fc.nat(), fc.boolean(), (lines, pick, up) => {
        const index = pick % lines.length;
        const target = lines[index];
        if (target === undefined || (!up && target.amountMinor === 1n)) return;
        const skewed = lines.map((candidate, i) =>
          i === index
            ? { ...candidate, amountMinor: candidate.amountMinor + (up ? 1n : -1n) }
            : candidate,
        );

        expect(() => assertBalanced(skewed)).toThrow(
          `Entry does not balance in ${target.currency}`,
        );
      }),
    );
  });

  it('balance per currency, not in total across currencies', () => {
    const crossCurrency = [
      line(gl('1000'), 'DEBIT', 100n, 'USD'),
      line(customer('ACC-A'), 'CREDIT', 100n, 'EUR'),
    ];

    expect(() => assertBalanced(crossCurrency)).toThrow(/does not balance in USD/);
  });

  it.each([
    ['no lines', []],
    ['one line', [line(gl('1000'), 'DEBIT', 1n)]],
  ] as const)('need at least two lines: refuse %s', (_, lines) => {
    expect(() => assertBalanced(lines)).toThrow('A journal entry needs at least two lines');
  });

  it.each([0n, -1n, -100n])('carry strictly positive amounts: refuse %d', (amountMinor) => {
    const lines = [
      line(gl('1000'), 'DEBIT', amountMinor),
      line(customer('ACC-A'), 'CREDIT', amountMinor),
    ];

    expect(() => assertBalanced(lines)).toThrow('Journal lines carry positive amounts');
  });

  it('are undone by their reversing lines: balanced, opposite, and an involution', () => {
    fc.assert(
      fc.property(aBalancedEntry, (lines) => {
        const reversing = reversingLines(lines);

        expect(() => assertBalanced(reversing)).not.toThrow();
        expect(reversingLines(reversing)).toEqual(lines);
        reversing.forEach((reversed, i) => {
          expect(reversed.account).toEqual(lines[i]?.account);
          expect(reversed.amountMinor).toBe(lines[i]?.amountMinor);
          expect(reversed.side).not.toBe(lines[i]?.side);
        });
      }),
    );
  });

  it('move a customer balance up on a credit and down on a debit, netting to zero with the reversal', () => {
    fc.assert(
      fc.property(aBalancedEntry, (lines) => {
        const net = new Map<string, bigint>();
        for (const entry of [...lines, ...reversingLines(lines)]) {
          const key = `${JSON.stringify(entry.account)}#${entry.currency}`;
          net.set(key, (net.get(key) ?? 0n) + customerBalanceDelta(entry));
        }

        for (const total of net.values()) expect(total).toBe(0n);
      }),
    );
    expect(customerBalanceDelta(line(customer('ACC-A'), 'CREDIT', 250n))).toBe(250n);
    expect(customerBalanceDelta(line(customer('ACC-A'), 'DEBIT', 250n))).toBe(-250n);
  });
});
