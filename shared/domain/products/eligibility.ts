import type { PaymentFrequency } from '../lending/due-dates';
import type { AmortizationMethod } from '../lending/schedule';
import type { Money } from '../money';
import { err, ok, type Result } from '../result';
import { isOpenForBusiness, type Product } from './product';

export interface LoanRequest {
  readonly principal: Money;
  readonly termMonths: number;
  readonly method: AmortizationMethod;
  readonly frequency: PaymentFrequency;
  readonly customerKycTier: number;
}

export interface LoanRequestRefused {
  readonly code: 'LOAN_NOT_ELIGIBLE';
  /** Rule names, never customer data: PRODUCT_NOT_ACTIVE, CURRENCY, AMOUNT_BELOW_MINIMUM… */
  readonly reasons: readonly string[];
}

/** Whether a loan request fits the product it asks for (status, currency, limits, settings, KYC). */
export function checkLoanRequest(
  product: Product,
  request: LoanRequest,
): Result<true, LoanRequestRefused> {
  const { definition } = product;
  const { limits, loan } = definition;
  const reasons: string[] = [];
  if (!isOpenForBusiness(product.status)) reasons.push('PRODUCT_NOT_ACTIVE');
  if (definition.type !== 'LOAN' || loan === undefined) reasons.push('NOT_A_LOAN_PRODUCT');
  if (request.principal.currency !== definition.currency) reasons.push('CURRENCY');
  else {
    if (limits.minAmount !== undefined && request.principal.compare(limits.minAmount) < 0) {
      reasons.push('AMOUNT_BELOW_MINIMUM');
    }
    if (limits.maxAmount !== undefined && request.principal.compare(limits.maxAmount) > 0) {
      reasons.push('AMOUNT_ABOVE_MAXIMUM');
    }
  }
  if (limits.minTermMonths !== undefined && request.termMonths < limits.minTermMonths) {
    reasons.push('TERM_BELOW_MINIMUM');
  }
  if (limits.maxTermMonths !== undefined && request.termMonths > limits.maxTermMonths) {
    reasons.push('TERM_ABOVE_MAXIMUM');
  }
  if (loan !== undefined && !loan.amortizationMethods.includes(request.method)) {
    reasons.push('METHOD_NOT_ALLOWED');
  }
  if (loan !== undefined && !loan.paymentFrequencies.includes(request.frequency)) {
    reasons.push('FREQUENCY_NOT_ALLOWED');
  }
  if (request.customerKycTier < definition.minimumKycTier) reasons.push('KYC_TIER_TOO_LOW');
  return reasons.length === 0 ? ok(true) : err({ code: 'LOAN_NOT_ELIGIBLE', reasons });
}
