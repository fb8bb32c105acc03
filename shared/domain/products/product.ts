import type Decimal from 'decimal.js';
import type { DayCountConvention } from '../interest/day-count';
import type { CompoundingMode, PostingFrequency } from '../interest/accrual';
import type { InterestTier, TierMode } from '../interest/tiers';
import type { LateFeeRule } from '../lending/delinquency';
import type { PaymentFrequency } from '../lending/due-dates';
import type { RepaymentComponent } from '../lending/installments';
import type { PrepaymentMode } from '../lending/repayment';
import type { AmortizationMethod } from '../lending/schedule';
import type {
  EarlyWithdrawalPenalty,
  TermDepositCompounding,
  TermDepositPayout,
} from '../interest/term-deposit';
import type { CurrencyCode, Money, RoundingMode } from '../money';
import { err, ok, type Result } from '../result';

export const productTypes = ['SAVINGS', 'CHECKING', 'TERM_DEPOSIT', 'LOAN', 'CREDIT_LINE'] as const;
export type ProductType = (typeof productTypes)[number];

export const productStatuses = ['DRAFT', 'ACTIVE', 'SUSPENDED', 'RETIRED'] as const;
export type ProductStatus = (typeof productStatuses)[number];

export const accrualFrequencies = ['DAILY', 'MONTHLY'] as const;
export type AccrualFrequency = (typeof accrualFrequencies)[number];

export interface ProductInterest {
  /** Annual rate as a fraction (0.05 = 5 %); with tiers, the rate below the first tier's use. */
  readonly rate: Decimal;
  readonly tiers: readonly InterestTier[];
  readonly tierMode: TierMode;
  readonly dayCount: DayCountConvention;
  readonly compounding: CompoundingMode;
  readonly accrualFrequency: AccrualFrequency;
  readonly postingFrequency: PostingFrequency;
  readonly rounding: RoundingMode;
}

export const feeTriggers = [
  'MONTHLY_MAINTENANCE',
  'WITHDRAWAL',
  'DEPOSIT',
  'TRANSFER',
  'LATE_PAYMENT',
  'ORIGINATION',
  'OVERDRAFT',
] as const;
export type FeeTrigger = (typeof feeTriggers)[number];

/** A fee: fixed, or a fraction of the triggering amount bounded by optional min and max. */
export type ProductFee =
  | {
      readonly name: string;
      readonly trigger: FeeTrigger;
      readonly type: 'FIXED';
      readonly amount: Money;
    }
  | {
      readonly name: string;
      readonly trigger: FeeTrigger;
      readonly type: 'PERCENTAGE';
      readonly rate: Decimal;
      readonly minimum?: Money;
      readonly maximum?: Money;
    };

export interface ProductLimits {
  readonly minBalance?: Money;
  readonly maxBalance?: Money;
  readonly minOpeningBalance?: Money;
  readonly minAmount?: Money;
  readonly maxAmount?: Money;
  readonly minTermMonths?: number;
  readonly maxTermMonths?: number;
  readonly overdraftLimit?: Money;
}

export interface LoanSettings {
  readonly amortizationMethods: readonly AmortizationMethod[];
  readonly paymentFrequencies: readonly PaymentFrequency[];
  readonly gracePeriodDays: number;
  readonly lateFee?: LateFeeRule;
  /** Annual penalty rate on overdue principal (a fraction). */
  readonly penaltyRate: Decimal;
  readonly allocationOrder: readonly RepaymentComponent[];
  readonly prepaymentMode: PrepaymentMode;
}

export interface TermDepositSettings {
  readonly compounding: TermDepositCompounding;
  readonly earlyWithdrawalPenalty: EarlyWithdrawalPenalty;
  readonly maturityInstruction: 'PAYOUT' | 'ROLLOVER';
  /** AT_MATURITY (default): interest with the principal; PERIODIC: paid out each period. */
  readonly interestPayout?: TermDepositPayout;
}

export interface ProductDefinition {
  readonly code: string;
  readonly name: string;
  readonly description?: string;
  readonly type: ProductType;
  readonly currency: CurrencyCode;
  readonly interest?: ProductInterest;
  readonly fees: readonly ProductFee[];
  readonly limits: ProductLimits;
  readonly loan?: LoanSettings;
  readonly termDeposit?: TermDepositSettings;
  /** Minimum KYC tier of a customer who may open it (0 = none). */
  readonly minimumKycTier: number;
}

/** A stored product version; accounts and loans keep the (id, version) they were opened with. */
export interface Product {
  readonly id: string;
  readonly version: number;
  readonly status: ProductStatus;
  readonly definition: ProductDefinition;
}

export const productActions = ['ACTIVATE', 'SUSPEND', 'RETIRE'] as const;
export type ProductAction = (typeof productActions)[number];

/**
 * DRAFT → ACTIVE → SUSPENDED → RETIRED, SUSPENDED → ACTIVE again, and ACTIVE → RETIRED directly.
 * A DRAFT that is never launched is discarded, not retired. RETIRED is final.
 */
const productTransitions: Readonly<
  Record<ProductStatus, Partial<Record<ProductAction, ProductStatus>>>
> = {
  DRAFT: { ACTIVATE: 'ACTIVE' },
  ACTIVE: { SUSPEND: 'SUSPENDED', RETIRE: 'RETIRED' },
  SUSPENDED: { ACTIVATE: 'ACTIVE', RETIRE: 'RETIRED' },
  RETIRED: {},
};

export type ProductRefused =
  | {
      readonly code: 'PRODUCT_TRANSITION_NOT_ALLOWED';
      readonly from: ProductStatus;
      readonly action: ProductAction;
    }
  | { readonly code: 'PRODUCT_RETIRED'; readonly productId: string }
  | { readonly code: 'PRODUCT_DEFINITION_INVALID'; readonly problems: readonly string[] };

export function transitionProduct(
  from: ProductStatus,
  action: ProductAction,
): Result<ProductStatus, ProductRefused> {
  const to = productTransitions[from][action];
  return to === undefined ? err({ code: 'PRODUCT_TRANSITION_NOT_ALLOWED', from, action }) : ok(to);
}

/** Whether new accounts or loans may be opened on a product in this status. */
export function isOpenForBusiness(status: ProductStatus): boolean {
  return status === 'ACTIVE';
}

export interface ProductEdit {
  /** The version to store: always `current.version + 1`. */
  readonly product: Product;
  /**
   * REPLACE: a DRAFT was never used, so the new version replaces it. NEW_VERSION: the product
   * is (or was) live, so the old version stays, unchanged, for the accounts opened on it.
   */
  readonly kind: 'REPLACE' | 'NEW_VERSION';
}

/**
 * An edit of a product. Every edit produces version + 1 with the same id and status; an ACTIVE or
 * SUSPENDED product is never changed in place: the edit is a new version, new accounts open on
 * it, existing ones keep theirs. A RETIRED product cannot be edited. The type is fixed for life.
 */
export function editProduct(
  current: Product,
  definition: ProductDefinition,
): Result<ProductEdit, ProductRefused> {
  if (current.status === 'RETIRED') return err({ code: 'PRODUCT_RETIRED', productId: current.id });
  const problems = productDefinitionProblems(definition);
  if (definition.type !== current.definition.type) problems.push('type cannot change');
  if (problems.length > 0) return err({ code: 'PRODUCT_DEFINITION_INVALID', problems });
  return ok({
    product: { ...current, version: current.version + 1, definition },
    kind: current.status === 'DRAFT' ? 'REPLACE' : 'NEW_VERSION',
  });
}

/** A new product: version 1, DRAFT. */
export function createProduct(
  id: string,
  definition: ProductDefinition,
): Result<Product, ProductRefused> {
  const problems = productDefinitionProblems(definition);
  if (problems.length > 0) return err({ code: 'PRODUCT_DEFINITION_INVALID', problems });
  return ok({ id, version: 1, status: 'DRAFT', definition });
}

/**
 * Rules across fields that a schema cannot see: amounts in the product's currency, tiers
 * ascending from zero, ranges ordered, and the sections each type needs.
 */
export function productDefinitionProblems(definition: ProductDefinition): string[] {
  const problems: string[] = [];
  const { currency, interest, limits, loan, type } = definition;
  const monies: [string, Money | undefined][] = [
    ...Object.entries(limits).filter((e): e is [string, Money] => typeof e[1] === 'object'),
    ...definition.fees.flatMap((fee, i): [string, Money | undefined][] =>
      fee.type === 'FIXED'
        ? [[`fees.${i}.amount`, fee.amount]]
        : [
            [`fees.${i}.minimum`, fee.minimum],
            [`fees.${i}.maximum`, fee.maximum],
          ],
    ),
    ...(interest?.tiers ?? []).map((tier, i): [string, Money] => [
      `interest.tiers.${i}.from`,
      tier.from,
    ]),
  ];
  if (loan?.lateFee?.type === 'FIXED') monies.push(['loan.lateFee.amount', loan.lateFee.amount]);
  for (const [path, money] of monies) {
    if (money !== undefined && money.currency !== currency)
      problems.push(`${path} is not in ${currency}`);
  }
  const tiers = interest?.tiers ?? [];
  if (tiers.length > 0 && !(tiers[0]?.from.isZero() ?? false))
    problems.push('interest.tiers start at zero');
  tiers.forEach((tier, i) => {
    const previous = tiers[i - 1];
    if (
      previous !== undefined &&
      previous.from.currency === tier.from.currency &&
      previous.from.compare(tier.from) >= 0
    ) {
      problems.push('interest.tiers ascend strictly');
    }
  });
  const ordered = (
    low: Money | number | undefined,
    high: Money | number | undefined,
    name: string,
  ) => {
    if (low === undefined || high === undefined) return;
    const bad =
      typeof low === 'number' || typeof high === 'number'
        ? low > high
        : low.currency === high.currency && low.compare(high) > 0;
    if (bad) problems.push(`${name}: the minimum exceeds the maximum`);
  };
  ordered(limits.minBalance, limits.maxBalance, 'limits.balance');
  ordered(limits.minAmount, limits.maxAmount, 'limits.amount');
  ordered(limits.minTermMonths, limits.maxTermMonths, 'limits.termMonths');
  definition.fees.forEach((fee, i) => {
    if (fee.type === 'PERCENTAGE') ordered(fee.minimum, fee.maximum, `fees.${i}`);
  });
  // Loan settings: required for LOAN, optional for CREDIT_LINE (grace, late fee, penalty).
  if (type === 'LOAN' && loan === undefined) problems.push('a LOAN product needs loan settings');
  if (type !== 'LOAN' && type !== 'CREDIT_LINE' && loan !== undefined) {
    problems.push(`a ${type} product has no loan settings`);
  }
  if (loan !== undefined && loan.amortizationMethods.length === 0) {
    problems.push('loan.amortizationMethods is empty');
  }
  if (loan !== undefined && loan.paymentFrequencies.length === 0) {
    problems.push('loan.paymentFrequencies is empty');
  }
  if ((type === 'TERM_DEPOSIT') !== (definition.termDeposit !== undefined)) {
    problems.push(
      type === 'TERM_DEPOSIT'
        ? 'a TERM_DEPOSIT product needs term deposit settings'
        : `a ${type} product has no term deposit settings`,
    );
  }
  return problems;
}
