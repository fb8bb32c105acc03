import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DomainErrorCode } from '../../../../shared/domain/errors';
import {
  availableMinor,
  type Account,
  type AccountStatus,
} from '../../../../shared/domain/ledger/account';
import { glRoles } from '../../../../shared/domain/ledger/chart-of-accounts';
import {
  customerBalanceDelta,
  reversingLines,
  type JournalLine,
} from '../../../../shared/domain/ledger/journal-entry';
import {
  checkReversal,
  convert,
  decideDeposit,
  decideFxTransfer,
  decideTransfer,
  decideWithdrawal,
  FX_ROUNDING,
  type FxRate,
} from '../../../../shared/domain/ledger/posting-rules';
import { minorUnitsOf, Money, type CurrencyCode } from '../../../../shared/domain/money';
import { decimalText, pow10, roundRational } from './exact-decimal';

function anAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: 'ACC-A',
    customerId: 'CUS-1',
    productType: 'CHECKING',
    currency: 'USD',
    name: 'CHECKING USD',
    status: 'ACTIVE',
    balanceMinor: 0n,
    holdsMinor: 0n,
    overdraftLimitMinor: 0n,
    controlAccount: glRoles.customerDepositsControl,
    version: 1,
    audit: { seq: 1, hash: 'a'.repeat(64) },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const usd = (amount: string) => Money.of(amount, 'USD');

/** Net debits minus credits per currency: zero everywhere for a balanced entry. */
function netByCurrency(lines: readonly JournalLine[]): Map<CurrencyCode, bigint> {
  const net = new Map<CurrencyCode, bigint>();
  for (const line of lines) {
    const signed = line.side === 'DEBIT' ? line.amountMinor : -line.amountMinor;
    net.set(line.currency, (net.get(line.currency) ?? 0n) + signed);
  }
  return net;
}

function expectBalanced(lines: readonly JournalLine[]): void {
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) expect(line.amountMinor).toBeGreaterThan(0n);
  for (const [, net] of netByCurrency(lines)) expect(net).toBe(0n);
}

/** How the entry moves each customer account's balance. */
function customerDeltas(lines: readonly JournalLine[]): Record<string, bigint> {
  const deltas: Record<string, bigint> = {};
  for (const line of lines) {
    if (line.account.kind !== 'customer') continue;
    deltas[line.account.accountId] =
      (deltas[line.account.accountId] ?? 0n) + customerBalanceDelta(line);
  }
  return deltas;
}

/** The documented precedence (posting-rules.ts): the first failure that applies is returned. */
const precedence: readonly DomainErrorCode[] = [
  'ACCOUNTS_MUST_BE_DIFFERENT',
  'SAME_CURRENCY_FX',
  'CURRENCY_MISMATCH',
  'ACCOUNT_CLOSED',
  'ACCOUNT_FROZEN',
  'INSUFFICIENT_FUNDS',
];

function firstApplicable(applicable: ReadonlySet<DomainErrorCode>): DomainErrorCode | undefined {
  return precedence.find((code) => applicable.has(code));
}

/** An account in any state a real one can be in: available funds never negative. */
const anyAccount = (id: fc.Arbitrary<string>, currency: fc.Arbitrary<CurrencyCode>) =>
  fc
    .record({
      id,
      currency,
      status: fc.constantFrom<AccountStatus>('ACTIVE', 'FROZEN', 'CLOSED'),
      overdraftLimitMinor: fc.constantFrom(0n, 500n, 10_000n),
      holdsMinor: fc.bigInt({ min: 0n, max: 5_000n }),
      spareMinor: fc.bigInt({ min: 0n, max: 20_000n }),
    })
    .map(({ spareMinor, ...state }) =>
      anAccount({
        ...state,
        // available = balance − holds + overdraft = spare ≥ 0
        balanceMinor: spareMinor + state.holdsMinor - state.overdraftLimitMinor,
      }),
    );

const anAmountIn = (currency: fc.Arbitrary<CurrencyCode>) =>
  fc
    .record({ currency, minor: fc.bigInt({ min: 100n, max: 25_000n }) })
    .map(({ currency: code, minor }) => Money.fromMinor(minor, code));

describe('deposits', () => {
  it('debit the counterparty GL account and credit the customer, even when frozen', () => {
    const frozen = anAccount({ status: 'FROZEN' });

    const cash = decideDeposit(frozen, usd('12.34'));
    const settlement = decideDeposit(frozen, usd('0.01'), glRoles.settlement);

    expect(cash).toEqual({
      ok: true,
      value: [
        {
          account: { kind: 'gl', code: '1000' },
          side: 'DEBIT',
          currency: 'USD',
          amountMinor: 1234n,
        },
        {
          account: { kind: 'customer', accountId: 'ACC-A' },
          side: 'CREDIT',
          currency: 'USD',
          amountMinor: 1234n,
        },
      ],
    });
    expect(settlement.ok && settlement.value[0]?.account).toEqual({ kind: 'gl', code: '1010' });
  });

  it('refuse another currency before a closed account', () => {
    const closed = anAccount({ status: 'CLOSED' });

    expect(decideDeposit(closed, Money.of('5', 'JPY'))).toEqual({
      ok: false,
      error: { code: 'CURRENCY_MISMATCH', expected: 'USD', received: 'JPY' },
    });
    expect(decideDeposit(closed, usd('5.00'))).toEqual({
      ok: false,
      error: { code: 'ACCOUNT_CLOSED', accountId: 'ACC-A' },
    });
  });
});

describe('withdrawals', () => {
  it('may use the whole available balance, overdraft included, and not a cent more', () => {
    const account = anAccount({
      balanceMinor: 1_000n,
      holdsMinor: 300n,
      overdraftLimitMinor: 2_000n,
    });

    const exact = decideWithdrawal(account, usd('27.00'));
    const beyond = decideWithdrawal(account, usd('27.01'));

    expect(availableMinor(account)).toBe(2_700n);
    expect(exact.ok).toBe(true);
    expect(beyond).toEqual({
      ok: false,
      error: { code: 'INSUFFICIENT_FUNDS', accountId: 'ACC-A' },
    });
  });

  it('return the first failure in the documented order, and balance whenever they succeed', () => {
    fc.assert(
      fc.property(
        anyAccount(fc.constant('ACC-A'), fc.constantFrom<CurrencyCode>('USD', 'EUR')),
        anAmountIn(fc.constantFrom<CurrencyCode>('USD', 'EUR')),
        (account, amount) => {
          const applicable = new Set<DomainErrorCode>();
          if (amount.currency !== account.currency) applicable.add('CURRENCY_MISMATCH');
          if (account.status === 'CLOSED') applicable.add('ACCOUNT_CLOSED');
          if (account.status === 'FROZEN') applicable.add('ACCOUNT_FROZEN');
          if (availableMinor(account) < amount.toMinor()) applicable.add('INSUFFICIENT_FUNDS');

          const decided = decideWithdrawal(account, amount);

          const expected = firstApplicable(applicable);
          if (expected === undefined) {
            expect(decided.ok).toBe(true);
            if (!decided.ok) return;
            expectBalanced(decided.value);
            expect(customerDeltas(decided.value)).toEqual({ 'ACC-A': -amount.toMinor() });
          } else {
            expect(decided.ok ? 'ok' : decided.error.code).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('transfers', () => {
  it('return the first failure in the documented order, and balance whenever they succeed', () => {
    const currency = fc.constantFrom<CurrencyCode>('USD', 'EUR');
    fc.assert(
      fc.property(
        anyAccount(fc.constant('ACC-A'), currency),
        anyAccount(fc.constantFrom('ACC-A', 'ACC-B'), currency),
        anAmountIn(currency),
        (from, to, amount) => {
          const applicable = new Set<DomainErrorCode>();
          if (from.id === to.id) applicable.add('ACCOUNTS_MUST_BE_DIFFERENT');
          if (from.currency !== to.currency || amount.currency !== from.currency) {
            applicable.add('CURRENCY_MISMATCH');
          }
          if (from.status === 'CLOSED' || to.status === 'CLOSED') applicable.add('ACCOUNT_CLOSED');
          if (from.status === 'FROZEN') applicable.add('ACCOUNT_FROZEN');
          if (availableMinor(from) < amount.toMinor()) applicable.add('INSUFFICIENT_FUNDS');

          const decided = decideTransfer(from, to, amount);

          const expected = firstApplicable(applicable);
          if (expected === undefined) {
            expect(decided.ok).toBe(true);
            if (!decided.ok) return;
            expectBalanced(decided.value);
            expect(customerDeltas(decided.value)).toEqual({
              'ACC-A': -amount.toMinor(),
              'ACC-B': amount.toMinor(),
            });
          } else {
            expect(decided.ok ? 'ok' : decided.error.code).toBe(expected);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('credit a frozen account but never debit one', () => {
    const active = anAccount({ id: 'ACC-A', balanceMinor: 10_000n });
    const frozen = anAccount({ id: 'ACC-B', status: 'FROZEN', balanceMinor: 10_000n });

    expect(decideTransfer(active, frozen, usd('1.00')).ok).toBe(true);
    expect(decideTransfer(frozen, active, usd('1.00'))).toEqual({
      ok: false,
      error: { code: 'ACCOUNT_FROZEN', accountId: 'ACC-B' },
    });
  });
});

/** A positive rate with at most 10 integer and 12 fraction digits, as PUT /fx/rates accepts. */
const aRate = fc
  .integer({ min: 0, max: 12 })
  .chain((decimals) =>
    fc
      .bigInt({ min: 1n, max: pow10(10 + decimals) - 1n })
      .map((digits) => ({ digits, decimals, text: decimalText(digits, decimals) })),
  );

const fxCurrencies = ['USD', 'JPY', 'KWD', 'CLF'] as const satisfies readonly CurrencyCode[];
const aPair = fc
  .tuple(fc.constantFrom(...fxCurrencies), fc.constantFrom(...fxCurrencies))
  .filter(([from, to]) => from !== to);

/** Any amount and inverse rate (1 `to` = rate `from`). */
const anInverseCase = fc
  .record({ pair: aPair, minor: fc.bigInt({ min: 1n, max: pow10(17) }), rate: aRate })
  .map(({ pair: [from, to], minor, rate }) => ({ from, to, minor, rate }));

/**
 * An amount and inverse rate whose exact quotient lies halfway between two minor units of `to`:
 * with m = g·c and a rate of 2c·10^s(to) / (5^a·10^s(from)), the quotient is 5^a·g / 2 minor
 * units, an odd number of halves.
 */
const anInverseTie = fc
  .record({
    pair: aPair,
    g: fc.integer({ min: 0, max: 49 }).map((n) => BigInt(2 * n + 1)),
    c: fc.bigInt({ min: 1n, max: 5_000n }),
    a: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ pair: [from, to], g, c, a }) => {
    const digits = 2n * c * 2n ** BigInt(a) * pow10(minorUnitsOf(to));
    const decimals = a + minorUnitsOf(from);
    return {
      from,
      to,
      minor: g * c,
      rate: { digits, decimals, text: decimalText(digits, decimals) },
    };
  });

describe('FX conversion', () => {
  it('multiplies by a direct rate and divides by an inverse one, rounding half-even', () => {
    const rate: FxRate = { base: 'USD', quote: 'JPY', rate: '150.125' };

    // 10.01 × 150.125 = 1502.75125 → 1503 JPY; 1503 ÷ 150.125 = 10.0116… → 10.01 USD.
    expect(convert(usd('10.01'), 'JPY', rate).toString()).toBe('1503');
    expect(convert(Money.of('1503', 'JPY'), 'USD', rate).toString()).toBe('10.01');
    expect(FX_ROUNDING).toBe('HALF_EVEN');
  });

  it.each([
    ['USD', '0.05', 'KWD', '0.5', '0.025'], // exact: no rounding
    ['USD', '0.05', 'EUR', '0.5', '0.02'], // 0.025 → 0.02
    ['USD', '0.07', 'EUR', '0.5', '0.04'], // 0.035 → 0.04
    ['USD', '5.00', 'JPY', '0.5', '2'], // 2.5 → 2
    ['USD', '7.00', 'JPY', '0.5', '4'], // 3.5 → 4
  ] as const)(
    'converts %s %s to %s at a direct %s with ties to even: %s',
    (from, amount, to, rate, expected) => {
      expect(convert(Money.of(amount, from), to, { base: from, quote: to, rate }).toString()).toBe(
        expected,
      );
    },
  );

  it.each([
    ['JPY', '159', 'USD', '24', '6.62'], // 159 ÷ 24 = 6.625 → 6.62
    ['JPY', '171', 'USD', '24', '7.12'], // 7.125 → 7.12
    ['JPY', '18', 'USD', '48', '0.38'], // 0.375 → 0.38
    ['JPY', '5', 'USD', '8', '0.62'], // 0.625 → 0.62
  ] as const)(
    'converts %s %s to %s at an inverse %s with ties to even: %s',
    (from, amount, to, rate, expected) => {
      expect(convert(Money.of(amount, from), to, { base: to, quote: from, rate }).toString()).toBe(
        expected,
      );
    },
  );

  it('equals the exact product rounded half-even for any direct rate', () => {
    fc.assert(
      fc.property(
        aPair,
        fc.bigInt({ min: 1n, max: pow10(17) }),
        aRate,
        ([from, to], minor, rate) => {
          const converted = convert(Money.fromMinor(minor, from), to, {
            base: from,
            quote: to,
            rate: rate.text,
          });
          const expected = roundRational(
            minor * rate.digits * pow10(minorUnitsOf(to)),
            pow10(minorUnitsOf(from) + rate.decimals),
            'HALF_EVEN',
          );

          expect(converted.currency).toBe(to);
          expect(converted.toMinor()).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equals the exact quotient rounded half-even for any inverse rate, exact ties included', () => {
    fc.assert(
      fc.property(fc.oneof(anInverseCase, anInverseTie), ({ from, to, minor, rate }) => {
        const converted = convert(Money.fromMinor(minor, from), to, {
          base: to,
          quote: from,
          rate: rate.text,
        });
        const expected = roundRational(
          minor * pow10(rate.decimals + minorUnitsOf(to)),
          rate.digits * pow10(minorUnitsOf(from)),
          'HALF_EVEN',
        );

        expect(converted.toMinor()).toBe(expected);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('FX transfers', () => {
  const accountIn = (id: string, currency: CurrencyCode, overrides: Partial<Account> = {}) =>
    anAccount({
      id,
      currency,
      name: `CHECKING ${currency}`,
      balanceMinor: 1_000_000n,
      ...overrides,
    });

  it('balance in each currency through the FX position account', () => {
    const from = accountIn('ACC-A', 'USD');
    const to = accountIn('ACC-B', 'JPY');

    const decided = decideFxTransfer(from, to, usd('10.01'), {
      base: 'USD',
      quote: 'JPY',
      rate: '150.125',
    });

    expect(decided.ok).toBe(true);
    if (!decided.ok) return;
    expect(decided.value.converted.toString()).toBe('1503');
    expectBalanced(decided.value.lines);
    expect(netByCurrency(decided.value.lines)).toEqual(
      new Map([
        ['USD', 0n],
        ['JPY', 0n],
      ]),
    );
    expect(customerDeltas(decided.value.lines)).toEqual({ 'ACC-A': -1001n, 'ACC-B': 1503n });
    const position = decided.value.lines.filter(
      (line) => line.account.kind === 'gl' && line.account.code === glRoles.fxPosition,
    );
    expect(position.map((line) => `${line.side} ${line.currency}`)).toEqual([
      'CREDIT USD',
      'DEBIT JPY',
    ]);
  });

  it('refuse a conversion that rounds to nothing', () => {
    const decided = decideFxTransfer(
      accountIn('ACC-A', 'USD'),
      accountIn('ACC-B', 'JPY'),
      usd('0.01'),
      {
        base: 'USD',
        quote: 'JPY',
        rate: '10',
      },
    );

    expect(decided).toEqual({
      ok: false,
      error: { code: 'CONFLICT', detail: 'The converted amount rounds to zero' },
    });
  });

  it('refuse a frozen source into a closed destination as ACCOUNT_CLOSED, which comes first', () => {
    const from = accountIn('ACC-A', 'USD', { status: 'FROZEN' });
    const to = accountIn('ACC-B', 'EUR', { status: 'CLOSED' });

    const decided = decideFxTransfer(from, to, usd('1.00'), {
      base: 'USD',
      quote: 'EUR',
      rate: '0.9',
    });

    expect(decided.ok ? 'ok' : decided.error.code).toBe('ACCOUNT_CLOSED');
  });

  it('refuse an amount in another currency than the source before a closed destination', () => {
    const from = accountIn('ACC-A', 'USD');
    const to = accountIn('ACC-B', 'EUR', { status: 'CLOSED' });

    const decided = decideFxTransfer(from, to, Money.of('1.000', 'KWD'), {
      base: 'USD',
      quote: 'EUR',
      rate: '0.9',
    });

    expect(decided.ok ? 'ok' : decided.error.code).toBe('CURRENCY_MISMATCH');
  });

  it('return the first failure in the documented order, and balance whenever they succeed', () => {
    const currency = fc.constantFrom<CurrencyCode>('USD', 'EUR', 'KWD');
    fc.assert(
      fc.property(
        anyAccount(fc.constant('ACC-A'), currency),
        anyAccount(fc.constantFrom('ACC-A', 'ACC-B'), currency),
        anAmountIn(currency),
        fc.constantFrom('0.5', '0.9137', '1', '1.25', '2'),
        fc.boolean(),
        (from, to, amount, rateText, direct) => {
          // Rates between 0.5 and 2 on amounts of at least 1.00 never round to zero.
          const rate: FxRate = direct
            ? { base: from.currency, quote: to.currency, rate: rateText }
            : { base: to.currency, quote: from.currency, rate: rateText };
          const applicable = new Set<DomainErrorCode>();
          if (from.id === to.id) applicable.add('ACCOUNTS_MUST_BE_DIFFERENT');
          if (from.currency === to.currency) applicable.add('SAME_CURRENCY_FX');
          if (amount.currency !== from.currency) applicable.add('CURRENCY_MISMATCH');
          if (from.status === 'CLOSED' || to.status === 'CLOSED') applicable.add('ACCOUNT_CLOSED');
          if (from.status === 'FROZEN') applicable.add('ACCOUNT_FROZEN');
          if (availableMinor(from) < amount.toMinor()) applicable.add('INSUFFICIENT_FUNDS');

          const decided = decideFxTransfer(from, to, amount, rate);

          const expected = firstApplicable(applicable);
          if (expected === undefined) {
            expect(decided.ok).toBe(true);
            if (!decided.ok) return;
            expectBalanced(decided.value.lines);
            expect(customerDeltas(decided.value.lines)).toEqual({
              'ACC-A': -amount.toMinor(),
              'ACC-B': decided.value.converted.toMinor(),
            });
          } else {
            expect(decided.ok ? 'ok' : decided.error.code).toBe(expected);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('reversals', () => {
  const transferLines = (amountMinor: bigint): JournalLine[] => [
    {
      account: { kind: 'customer', accountId: 'ACC-A' },
      side: 'DEBIT',
      currency: 'USD',
      amountMinor,
    },
    {
      account: { kind: 'customer', accountId: 'ACC-B' },
      side: 'CREDIT',
      currency: 'USD',
      amountMinor,
    },
  ];
  const accounts = (...list: Account[]) => new Map(list.map((account) => [account.id, account]));

  it('undo every line and balance, twice reversed being the original', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: pow10(17) }), (amountMinor) => {
        const lines = transferLines(amountMinor);
        const reversing = reversingLines(lines);

        expectBalanced(reversing);
        expect(reversingLines(reversing)).toEqual(lines);
        expect(customerDeltas([...lines, ...reversing])).toEqual({ 'ACC-A': 0n, 'ACC-B': 0n });
      }),
    );
  });

  it('may debit a frozen account but not beyond its available funds', () => {
    const reversing = reversingLines(transferLines(500n)); // Credits A, debits B.
    const a = anAccount({ id: 'ACC-A' });

    const frozenWithFunds = checkReversal(
      reversing,
      accounts(a, anAccount({ id: 'ACC-B', status: 'FROZEN', balanceMinor: 500n })),
    );
    const frozenWithout = checkReversal(
      reversing,
      accounts(a, anAccount({ id: 'ACC-B', status: 'FROZEN', balanceMinor: 499n })),
    );

    expect(frozenWithFunds).toBeUndefined();
    expect(frozenWithout).toEqual({ code: 'INSUFFICIENT_FUNDS', accountId: 'ACC-B' });
  });

  it('refuse a missing or closed account on either side', () => {
    const reversing = reversingLines(transferLines(500n));
    const b = anAccount({ id: 'ACC-B', balanceMinor: 500n });

    expect(checkReversal(reversing, accounts(b))).toEqual({
      code: 'ACCOUNT_NOT_FOUND',
      accountId: 'ACC-A',
    });
    expect(
      checkReversal(reversing, accounts(anAccount({ id: 'ACC-A', status: 'CLOSED' }), b)),
    ).toEqual({
      code: 'ACCOUNT_CLOSED',
      accountId: 'ACC-A',
    });
  });
});
