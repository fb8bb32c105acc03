import type { DayCountConvention } from '../../domain/interest/day-count';
import type { CompoundingMode, PostingFrequency } from '../../domain/interest/accrual';
import type { TermDepositCompounding, TermDepositPayout } from '../../domain/interest/term-deposit';
import type { InterestRate, TierMode } from '../../domain/interest/tiers';
import type { LateFeeRule } from '../../domain/lending/delinquency';
import type { PaymentFrequency } from '../../domain/lending/due-dates';
import type { RepaymentComponent } from '../../domain/lending/installments';
import type { PrepaymentMode } from '../../domain/lending/repayment';
import type { AmortizationMethod } from '../../domain/lending/schedule';
import type { ChainHead } from '../../domain/ledger/account';
import { BankDecimal, Money, type CurrencyCode, type RoundingMode } from '../../domain/money';
import type {
  AccrualFrequency,
  FeeTrigger,
  LoanSettings,
  Product,
  ProductDefinition,
  ProductFee,
  ProductLimits,
  ProductStatus,
  ProductType,
} from '../../domain/products/product';
import type { StoredDocument } from '../ledger/records';

/** Collections of the product engine (documents, shared/infrastructure/dynamodb keys.document). */
export const PRODUCT_COLLECTION = 'PRODUCT';
export const PRODUCT_VERSION_COLLECTION = 'PRODUCTVERSION';
export const PRODUCT_CODE_COLLECTION = 'PRODUCTCODE';
export const PRODUCT_DEFAULT_COLLECTION = 'PRODUCTDEFAULT';
/** GSI1 partition listing every product, in id (creation) order. */
export const PRODUCTS_INDEX = 'PRODUCTS';
export const productVersionsIndex = (productId: string): string => `PRODUCTVERSIONS#${productId}`;
export const productChainOf = (productId: string): string => `PRODUCT#${productId}`;
export const versionKey = (productId: string, version: number): string =>
  `${productId}#${String(version).padStart(6, '0')}`;

type Optional<T> = T | undefined;
export interface MoneyData {
  readonly amount: string;
  readonly currency: string;
}

/**
 * A product definition as it travels and is stored: the validated wire form (rates and amounts as
 * decimal strings), so a stored version reads back exactly as it was written. The domain form
 * (Decimal, Money) is derived from it by `definitionOf`.
 */
export interface ProductDefinitionData {
  readonly code: string;
  readonly name: string;
  readonly description?: Optional<string>;
  readonly type: ProductType;
  readonly currency: string;
  readonly interest?: Optional<{
    readonly rate: string;
    readonly tiers: { readonly from: MoneyData; readonly rate: string }[];
    readonly tierMode: TierMode;
    readonly dayCount: DayCountConvention;
    readonly compounding: CompoundingMode;
    readonly accrualFrequency: AccrualFrequency;
    readonly postingFrequency: PostingFrequency;
    readonly rounding: RoundingMode;
  }>;
  readonly fees: (
    | {
        readonly type: 'FIXED';
        readonly name: string;
        readonly trigger: FeeTrigger;
        readonly amount: MoneyData;
      }
    | {
        readonly type: 'PERCENTAGE';
        readonly name: string;
        readonly trigger: FeeTrigger;
        readonly rate: string;
        readonly minimum?: Optional<MoneyData>;
        readonly maximum?: Optional<MoneyData>;
      }
  )[];
  readonly limits: {
    readonly minBalance?: Optional<MoneyData>;
    readonly maxBalance?: Optional<MoneyData>;
    readonly minOpeningBalance?: Optional<MoneyData>;
    readonly minAmount?: Optional<MoneyData>;
    readonly maxAmount?: Optional<MoneyData>;
    readonly minTermMonths?: Optional<number>;
    readonly maxTermMonths?: Optional<number>;
    readonly overdraftLimit?: Optional<MoneyData>;
  };
  readonly loan?: Optional<{
    readonly amortizationMethods: AmortizationMethod[];
    readonly paymentFrequencies: PaymentFrequency[];
    readonly gracePeriodDays: number;
    readonly lateFee?: Optional<
      | { readonly type: 'FIXED'; readonly amount: MoneyData }
      | { readonly type: 'PERCENTAGE'; readonly rate: string }
    >;
    readonly penaltyRate: string;
    readonly allocationOrder: RepaymentComponent[];
    readonly prepaymentMode: PrepaymentMode;
  }>;
  readonly termDeposit?: Optional<{
    readonly compounding: TermDepositCompounding;
    readonly earlyWithdrawalPenalty:
      | { readonly type: 'FORFEIT_DAYS'; readonly days: number }
      | { readonly type: 'REDUCED_RATE'; readonly rate: string }
      | { readonly type: 'PRINCIPAL_PERCENT'; readonly rate: string };
    readonly maturityInstruction: 'PAYOUT' | 'ROLLOVER';
    readonly interestPayout: TermDepositPayout;
  }>;
  readonly minimumKycTier: number;
}

const moneyOf = (data: MoneyData): Money => Money.of(data.amount, data.currency as CurrencyCode);
const optMoney = (data: Optional<MoneyData>): Money | undefined =>
  data === undefined ? undefined : moneyOf(data);
const rateOf = (rate: string) => new BankDecimal(rate);

/** Leaves out undefined members (the domain types are exact about optional fields). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the exact type the object becomes
function defined<T>(value: object): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The domain form of a definition. */
export function definitionOf(data: ProductDefinitionData): ProductDefinition {
  const fees = data.fees.map((fee): ProductFee =>
    fee.type === 'FIXED'
      ? { type: 'FIXED', name: fee.name, trigger: fee.trigger, amount: moneyOf(fee.amount) }
      : defined<ProductFee>({
          type: 'PERCENTAGE',
          name: fee.name,
          trigger: fee.trigger,
          rate: rateOf(fee.rate),
          minimum: optMoney(fee.minimum),
          maximum: optMoney(fee.maximum),
        }),
  );
  const { limits } = data;
  const domainLimits = defined<ProductLimits>({
    minBalance: optMoney(limits.minBalance),
    maxBalance: optMoney(limits.maxBalance),
    minOpeningBalance: optMoney(limits.minOpeningBalance),
    minAmount: optMoney(limits.minAmount),
    maxAmount: optMoney(limits.maxAmount),
    minTermMonths: limits.minTermMonths,
    maxTermMonths: limits.maxTermMonths,
    overdraftLimit: optMoney(limits.overdraftLimit),
  });
  const { interest, loan, termDeposit } = data;
  const lateFee: LateFeeRule | undefined =
    loan?.lateFee === undefined
      ? undefined
      : loan.lateFee.type === 'FIXED'
        ? { type: 'FIXED', amount: moneyOf(loan.lateFee.amount) }
        : { type: 'PERCENTAGE', rate: rateOf(loan.lateFee.rate) };
  const penalty = termDeposit?.earlyWithdrawalPenalty;
  return defined<ProductDefinition>({
    code: data.code,
    name: data.name,
    description: data.description,
    type: data.type,
    currency: data.currency as CurrencyCode,
    interest:
      interest === undefined
        ? undefined
        : {
            rate: rateOf(interest.rate),
            tiers: interest.tiers.map((tier) => ({
              from: moneyOf(tier.from),
              rate: rateOf(tier.rate),
            })),
            tierMode: interest.tierMode,
            dayCount: interest.dayCount,
            compounding: interest.compounding,
            accrualFrequency: interest.accrualFrequency,
            postingFrequency: interest.postingFrequency,
            rounding: interest.rounding,
          },
    fees,
    limits: domainLimits,
    loan:
      loan === undefined
        ? undefined
        : defined<LoanSettings>({
            amortizationMethods: loan.amortizationMethods,
            paymentFrequencies: loan.paymentFrequencies,
            gracePeriodDays: loan.gracePeriodDays,
            lateFee,
            penaltyRate: rateOf(loan.penaltyRate),
            allocationOrder: loan.allocationOrder,
            prepaymentMode: loan.prepaymentMode,
          }),
    termDeposit:
      termDeposit === undefined || penalty === undefined
        ? undefined
        : {
            compounding: termDeposit.compounding,
            earlyWithdrawalPenalty:
              penalty.type === 'FORFEIT_DAYS'
                ? { type: 'FORFEIT_DAYS', days: penalty.days }
                : { type: penalty.type, rate: rateOf(penalty.rate) },
            maturityInstruction: termDeposit.maturityInstruction,
            interestPayout: termDeposit.interestPayout,
          },
    minimumKycTier: data.minimumKycTier,
  });
}

/** The interest rate of a product's interest section (tiers when it has them). */
export function interestRateOf(definition: ProductDefinition): InterestRate | undefined {
  const { interest } = definition;
  if (interest === undefined) return undefined;
  return interest.tiers.length > 0
    ? { kind: 'TIERED', tiers: interest.tiers, mode: interest.tierMode }
    : { kind: 'FLAT', rate: interest.rate };
}

/**
 * A product's head item: its lifecycle status, which version is current and its audit chain head.
 * Versions are separate create-once items that never change.
 */
export interface ProductHead {
  readonly id: string;
  readonly code: string;
  readonly type: ProductType;
  readonly status: ProductStatus;
  readonly currentVersion: number;
  /** Optimistic version of the head (every change + 1). */
  readonly revision: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One immutable version of a product. */
export interface ProductVersion {
  readonly productId: string;
  readonly version: number;
  readonly definition: ProductDefinitionData;
  readonly createdAt: string;
  readonly createdBy: string;
}

export function headDocument(head: ProductHead): StoredDocument {
  return {
    collection: PRODUCT_COLLECTION,
    id: head.id,
    version: head.revision,
    data: { ...head, audit: { ...head.audit } },
    index: { partition: PRODUCTS_INDEX, sort: head.id },
  };
}

export function headOf(document: StoredDocument): ProductHead {
  const data = document.data as unknown as ProductHead;
  return { ...data, revision: document.version };
}

export function versionDocument(version: ProductVersion): StoredDocument {
  return {
    collection: PRODUCT_VERSION_COLLECTION,
    id: versionKey(version.productId, version.version),
    version: 1,
    data: { ...version },
    index: {
      partition: productVersionsIndex(version.productId),
      sort: String(version.version).padStart(6, '0'),
    },
  };
}

export function versionOf(document: StoredDocument): ProductVersion {
  return document.data as unknown as ProductVersion;
}

/** The domain product of a head and one of its versions. */
export function productOf(head: ProductHead, version: ProductVersion): Product {
  return {
    id: head.id,
    version: version.version,
    status: head.status,
    definition: definitionOf(version.definition),
  };
}
