import { describe, expect, it } from '@jest/globals';
import { BankDecimal, Money } from '../../../../../shared/domain/money';
import { checkLoanRequest } from '../../../../../shared/domain/products/eligibility';
import { calculateFee, feesFor } from '../../../../../shared/domain/products/fees';
import {
  createProduct,
  editProduct,
  isOpenForBusiness,
  productActions,
  productDefinitionProblems,
  productStatuses,
  transitionProduct,
  type Product,
  type ProductAction,
  type ProductDefinition,
  type ProductFee,
  type ProductStatus,
} from '../../../../../shared/domain/products/product';

const usd = (amount: string) => Money.of(amount, 'USD');

/** The definition without its loan settings. */
const withoutLoan = (definition: ProductDefinition): ProductDefinition => {
  const { loan: _loan, ...rest } = definition;
  return rest;
};

const loanProduct: ProductDefinition = {
  code: 'PERSONAL_LOAN',
  name: 'Personal loan',
  type: 'LOAN',
  currency: 'USD',
  interest: {
    rate: new BankDecimal('0.12'),
    tiers: [],
    tierMode: 'WHOLE_BALANCE',
    dayCount: 'THIRTY_360',
    compounding: 'NONE',
    accrualFrequency: 'DAILY',
    postingFrequency: 'MONTHLY',
    rounding: 'HALF_EVEN',
  },
  fees: [
    {
      name: 'Origination',
      trigger: 'ORIGINATION',
      type: 'PERCENTAGE',
      rate: new BankDecimal('0.01'),
      minimum: usd('50'),
      maximum: usd('500'),
    },
    { name: 'Late payment', trigger: 'LATE_PAYMENT', type: 'FIXED', amount: usd('25') },
  ],
  limits: { minAmount: usd('1000'), maxAmount: usd('50000'), minTermMonths: 6, maxTermMonths: 60 },
  loan: {
    amortizationMethods: ['EQUAL_INSTALLMENT', 'EQUAL_PRINCIPAL'],
    paymentFrequencies: ['MONTHLY'],
    gracePeriodDays: 10,
    lateFee: { type: 'FIXED', amount: usd('25') },
    penaltyRate: new BankDecimal('0.05'),
    allocationOrder: ['FEES', 'PENALTIES', 'INTEREST', 'PRINCIPAL'],
    prepaymentMode: 'REDUCE_INSTALLMENT',
  },
  minimumKycTier: 2,
};

const product = (status: ProductStatus, version = 1): Product => ({
  id: 'P1',
  version,
  status,
  definition: loanProduct,
});

const allowed: Record<string, ProductStatus> = {
  'DRAFT ACTIVATE': 'ACTIVE',
  'ACTIVE SUSPEND': 'SUSPENDED',
  'ACTIVE RETIRE': 'RETIRED',
  'SUSPENDED ACTIVATE': 'ACTIVE',
  'SUSPENDED RETIRE': 'RETIRED',
};

describe('product lifecycle', () => {
  it.each(
    productStatuses.flatMap((from) => productActions.map((action) => [from, action] as const)),
  )('%s + %s', (from: ProductStatus, action: ProductAction) => {
    const to = allowed[`${from} ${action}`];
    expect(transitionProduct(from, action)).toEqual(
      to === undefined
        ? { ok: false, error: { code: 'PRODUCT_TRANSITION_NOT_ALLOWED', from, action } }
        : { ok: true, value: to },
    );
  });

  it('opens accounts and loans only on ACTIVE products', () => {
    expect(productStatuses.filter(isOpenForBusiness)).toEqual(['ACTIVE']);
  });

  it('creates version 1 as a DRAFT', () => {
    expect(createProduct('P1', loanProduct)).toEqual({ ok: true, value: product('DRAFT') });
  });
});

describe('product versions', () => {
  const edited = { ...loanProduct, name: 'Personal loan 2027' };

  it('replaces an unused DRAFT with version + 1', () => {
    expect(editProduct(product('DRAFT'), edited)).toEqual({
      ok: true,
      value: { product: { ...product('DRAFT', 2), definition: edited }, kind: 'REPLACE' },
    });
  });

  it.each(['ACTIVE', 'SUSPENDED'] as const)(
    'edits a %s product by a new version, keeping its status',
    (status) => {
      const result = editProduct(product(status, 3), edited);
      expect(result).toEqual({
        ok: true,
        value: { product: { ...product(status, 4), definition: edited }, kind: 'NEW_VERSION' },
      });
    },
  );

  it('refuses to edit a RETIRED product, to change the type, or an invalid definition', () => {
    expect(editProduct(product('RETIRED'), edited)).toEqual({
      ok: false,
      error: { code: 'PRODUCT_RETIRED', productId: 'P1' },
    });
    const savings: ProductDefinition = { ...withoutLoan(edited), type: 'SAVINGS' };
    const changed = editProduct(product('ACTIVE'), savings);
    expect(changed.ok ? [] : changed.error).toMatchObject({ code: 'PRODUCT_DEFINITION_INVALID' });
  });
});

describe('product definition rules', () => {
  it('accepts the reference loan product', () => {
    expect(productDefinitionProblems(loanProduct)).toEqual([]);
  });

  it('lists every broken cross-field rule', () => {
    const broken: ProductDefinition = {
      ...withoutLoan(loanProduct),
      fees: [{ name: 'Fee', trigger: 'WITHDRAWAL', type: 'FIXED', amount: Money.of('1', 'EUR') }],
      limits: { minAmount: usd('100'), maxAmount: usd('10'), minTermMonths: 12, maxTermMonths: 6 },
      interest: {
        ...loanProduct.interest!,
        tiers: [
          { from: usd('10'), rate: new BankDecimal('0.01') },
          { from: usd('5'), rate: new BankDecimal('0.02') },
        ],
      },
    };
    expect(productDefinitionProblems(broken)).toEqual([
      'fees.0.amount is not in USD',
      'interest.tiers start at zero',
      'interest.tiers ascend strictly',
      'limits.amount: the minimum exceeds the maximum',
      'limits.termMonths: the minimum exceeds the maximum',
      'a LOAN product needs loan settings',
    ]);
  });

  it('wants term deposit settings on TERM_DEPOSIT products only', () => {
    const deposit: ProductDefinition = { ...withoutLoan(loanProduct), type: 'TERM_DEPOSIT' };
    expect(productDefinitionProblems(deposit)).toEqual([
      'a TERM_DEPOSIT product needs term deposit settings',
    ]);
    const savings: ProductDefinition = { ...loanProduct, type: 'SAVINGS' };
    expect(productDefinitionProblems(savings)).toEqual(['a SAVINGS product has no loan settings']);
  });
});

describe('fees', () => {
  const percentage = loanProduct.fees[0] as ProductFee;

  it.each([
    ['1000', '50.00'],
    ['12345.67', '123.46'],
    ['100000', '500.00'],
  ])('origination fee on %s is %s (1 %, min 50, max 500)', (principal, fee) => {
    expect(calculateFee(percentage, usd(principal)).toString()).toBe(fee);
  });

  it('rounds a percentage with the given mode', () => {
    const plain: ProductFee = {
      name: 'W',
      trigger: 'WITHDRAWAL',
      type: 'PERCENTAGE',
      rate: new BankDecimal('0.015'),
    };
    expect(calculateFee(plain, usd('10.30')).toString()).toBe('0.15');
    expect(calculateFee(plain, usd('10.30'), 'UP').toString()).toBe('0.16');
  });

  it('collects the fees a trigger raises', () => {
    expect(feesFor(loanProduct, 'LATE_PAYMENT', usd('888.49'))).toEqual([
      { name: 'Late payment', amount: usd('25') },
    ]);
    expect(feesFor(loanProduct, 'WITHDRAWAL', usd('100'))).toEqual([]);
  });
});

describe('loan eligibility', () => {
  const request = {
    principal: usd('10000'),
    termMonths: 24,
    method: 'EQUAL_INSTALLMENT' as const,
    frequency: 'MONTHLY' as const,
    customerKycTier: 2,
  };

  it('accepts a request within the ACTIVE product’s rules', () => {
    expect(checkLoanRequest(product('ACTIVE'), request)).toEqual({ ok: true, value: true });
  });

  it('names every rule a request breaks', () => {
    const result = checkLoanRequest(product('SUSPENDED'), {
      principal: usd('100'),
      termMonths: 120,
      method: 'BULLET',
      frequency: 'WEEKLY',
      customerKycTier: 1,
    });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'LOAN_NOT_ELIGIBLE',
        reasons: [
          'PRODUCT_NOT_ACTIVE',
          'AMOUNT_BELOW_MINIMUM',
          'TERM_ABOVE_MAXIMUM',
          'METHOD_NOT_ALLOWED',
          'FREQUENCY_NOT_ALLOWED',
          'KYC_TIER_TOO_LOW',
        ],
      },
    });
    const euros = checkLoanRequest(product('ACTIVE'), {
      ...request,
      principal: Money.of('10000', 'EUR'),
    });
    expect(euros).toEqual({
      ok: false,
      error: { code: 'LOAN_NOT_ELIGIBLE', reasons: ['CURRENCY'] },
    });
  });
});
