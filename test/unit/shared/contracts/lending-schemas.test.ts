import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  LoanApplicationSchema,
  LoanRepaymentSchema,
} from '../../../../shared/contracts/schemas/loans';
import { ProductDefinitionSchema, RateSchema } from '../../../../shared/contracts/schemas/products';

const loanProduct = {
  code: 'PERSONAL_LOAN',
  name: 'Personal loan',
  type: 'LOAN',
  currency: 'USD',
  interest: { rate: '0.12', dayCount: 'THIRTY_360' },
  fees: [
    {
      type: 'PERCENTAGE',
      name: 'Origination',
      trigger: 'ORIGINATION',
      rate: '0.01',
      minimum: { amount: '50.00', currency: 'USD' },
    },
  ],
  limits: { minAmount: { amount: '1000', currency: 'USD' }, minTermMonths: 6, maxTermMonths: 60 },
  loan: {
    amortizationMethods: ['EQUAL_INSTALLMENT'],
    paymentFrequencies: ['MONTHLY', 'WEEKLY'],
    gracePeriodDays: 10,
    lateFee: { type: 'FIXED', amount: { amount: '25.00', currency: 'USD' } },
    penaltyRate: '0.05',
  },
};

const issuePaths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('product definition schema', () => {
  it('accepts a loan product and fills the defaults', () => {
    const result = ProductDefinitionSchema.safeParse(loanProduct);
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({
      interest: {
        tiers: [],
        tierMode: 'WHOLE_BALANCE',
        postingFrequency: 'MONTHLY',
        rounding: 'HALF_EVEN',
      },
      loan: {
        allocationOrder: ['FEES', 'PENALTIES', 'INTEREST', 'PRINCIPAL'],
        prepaymentMode: 'REDUCE_INSTALLMENT',
      },
      minimumKycTier: 0,
    });
  });

  it('wants every amount in the product currency', () => {
    const result = ProductDefinitionSchema.safeParse({
      ...loanProduct,
      limits: { minAmount: { amount: '1000', currency: 'EUR' } },
    });
    expect(issuePaths(result)).toEqual(['limits.minAmount.currency']);
  });

  it('wants loan settings on a LOAN product and term deposit settings only on a TERM_DEPOSIT', () => {
    const { loan: _loan, ...withoutLoan } = loanProduct;
    expect(issuePaths(ProductDefinitionSchema.safeParse(withoutLoan))).toEqual(['loan']);
    const savings = ProductDefinitionSchema.safeParse({ ...loanProduct, type: 'SAVINGS' });
    expect(issuePaths(savings)).toEqual(['loan']);
    const deposit = ProductDefinitionSchema.safeParse({ ...withoutLoan, type: 'TERM_DEPOSIT' });
    expect(issuePaths(deposit)).toEqual(['termDeposit']);
    const withSettings = ProductDefinitionSchema.safeParse({
      ...withoutLoan,
      type: 'TERM_DEPOSIT',
      termDeposit: { earlyWithdrawalPenalty: { type: 'FORFEIT_DAYS', days: 90 } },
    });
    expect(withSettings.success).toBe(true);
  });

  it('refuses an allocation order that repeats a component', () => {
    const result = ProductDefinitionSchema.safeParse({
      ...loanProduct,
      loan: { ...loanProduct.loan, allocationOrder: ['FEES', 'FEES', 'INTEREST', 'PRINCIPAL'] },
    });
    expect(issuePaths(result)).toEqual(['loan.allocationOrder']);
  });

  it('wants tiers from zero, ascending', () => {
    const tier = (amount: string, rate: string) => ({ from: { amount, currency: 'USD' }, rate });
    const result = ProductDefinitionSchema.safeParse({
      ...loanProduct,
      interest: {
        ...loanProduct.interest,
        tiers: [tier('0', '0.01'), tier('5000', '0.02'), tier('1000', '0.03')],
      },
    });
    expect(issuePaths(result)).toEqual(['interest.tiers.2.from']);
  });

  it('reports malformed amounts as field errors, never a crash', () => {
    const result = ProductDefinitionSchema.safeParse({
      ...loanProduct,
      interest: {
        ...loanProduct.interest,
        tiers: [{ from: { amount: 'lots', currency: 'USD' }, rate: '0.01' }],
      },
      limits: { minAmount: { amount: '10.001', currency: 'USD' } },
    });
    expect(result.success).toBe(false);
    expect(issuePaths(result)).toEqual(
      expect.arrayContaining(['interest.tiers.0.from.amount', 'limits.minAmount.amount']),
    );
  });

  it('rejects unknown fields', () => {
    expect(
      issuePaths(ProductDefinitionSchema.safeParse({ ...loanProduct, colour: 'red' })),
    ).toEqual(['']);
  });

  it.each(['0', '0.05', '0.0525', '1', '10', '0.0000000001'])('accepts the rate %s', (rate) => {
    expect(RateSchema.safeParse(rate).success).toBe(true);
  });

  it.each(['-0.05', '10.5', '100', '5%', '0.00000000001', '.5', '1e-2', ''])(
    'rejects the rate %s',
    (rate) => {
      expect(RateSchema.safeParse(rate).success).toBe(false);
    },
  );

  it('rejects a rate sent as a JSON number', () => {
    expect(RateSchema.safeParse(0.05).success).toBe(false);
  });
});

describe('loan application schema', () => {
  const application = {
    customerId: '01JD8X3Y4Z5A6B7C8D9E0F1G2H',
    principal: '10000.00',
    currency: 'USD',
    annualInterestRate: '0.12',
    termMonths: 12,
    expectedDisbursementDate: '2026-01-15',
    firstPaymentDate: '2026-02-15',
  };

  it('accepts an application and applies the issue’s defaults', () => {
    const result = LoanApplicationSchema.safeParse(application);
    expect(result.data).toMatchObject({
      paymentFrequency: 'MONTHLY',
      amortizationMethod: 'EQUAL_INSTALLMENT',
      dayCountConvention: 'THIRTY_360',
    });
  });

  it.each([
    [{ principal: '100.001' }, 'principal'],
    [{ principal: '0' }, 'principal'],
    [{ currency: 'JPY', principal: '100.5' }, 'principal'],
    [{ currency: 'XXX' }, 'currency'],
    [{ annualInterestRate: '12' }, 'annualInterestRate'],
    [{ termMonths: 0 }, 'termMonths'],
    [{ paymentFrequency: 'DAILY' }, 'paymentFrequency'],
    [{ firstPaymentDate: '2026-01-15' }, 'firstPaymentDate'],
    [{ firstPaymentDate: '2027-01-17' }, 'firstPaymentDate'],
    [{ firstPaymentDate: '2026-02-30' }, 'firstPaymentDate'],
    [{ gracePeriodDays: -1 }, 'gracePeriodDays'],
  ] as const)('rejects %j at %s', (change, path) => {
    expect(issuePaths(LoanApplicationSchema.safeParse({ ...application, ...change }))).toEqual([
      path,
    ]);
  });

  it('takes a repayment as a positive amount at the currency scale', () => {
    expect(LoanRepaymentSchema.safeParse({ amount: '888.49', currency: 'USD' }).success).toBe(true);
    expect(issuePaths(LoanRepaymentSchema.safeParse({ amount: '0.00', currency: 'USD' }))).toEqual([
      'amount',
    ]);
  });
});

describe('hostile input', () => {
  /** Replaces one value at a random path of `base` with any JSON value. */
  const mutated = (base: Record<string, unknown>) =>
    fc.tuple(fc.jsonValue(), fc.nat(), fc.nat()).map(([value, pick, depth]) => {
      const copy = structuredClone(base);
      let node: Record<string, unknown> = copy;
      for (let level = 0; level <= depth % 3; level += 1) {
        const keys = Object.keys(node);
        const key = keys[(pick + level) % keys.length]!;
        const child = node[key];
        if (level === depth % 3 || child === null || typeof child !== 'object') {
          node[key] = value;
          break;
        }
        node = child as Record<string, unknown>;
      }
      return copy;
    });

  it('never throws on any JSON, only reports issues', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated(loanProduct)), (body) => {
        expect(() => ProductDefinitionSchema.safeParse(body)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    const application = {
      customerId: 'C1',
      principal: '10.00',
      currency: 'USD',
      annualInterestRate: '0.1',
      termMonths: 1,
      expectedDisbursementDate: '2026-01-01',
      firstPaymentDate: '2026-02-01',
    };
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated(application)), (body) => {
        expect(() => LoanApplicationSchema.safeParse(body)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
