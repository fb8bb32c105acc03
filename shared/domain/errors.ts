import type { KycLimitKind } from './kyc-limits';
import type { CurrencyCode } from './money';

/**
 * Business failures the domain can decide on its own. The `code` of each member is public API:
 * codes are added, never renamed (docs/architecture.md lists when each one happens).
 */
export type DomainError =
  | { readonly code: 'NOT_FOUND'; readonly entity: string; readonly id: string }
  | { readonly code: 'CONFLICT'; readonly detail: string }
  | { readonly code: 'BUSINESS_DATE_NOT_ALLOWED'; readonly detail: string }
  | { readonly code: 'ACCOUNT_NOT_FOUND'; readonly accountId: string }
  | { readonly code: 'CUSTOMER_NOT_FOUND'; readonly customerId: string }
  | { readonly code: 'CUSTOMER_ERASED'; readonly customerId: string }
  | { readonly code: 'BENEFICIARY_NOT_FOUND'; readonly beneficiaryId: string }
  | { readonly code: 'BENEFICIARY_SHARES_EXCEEDED'; readonly total: string }
  | { readonly code: 'BENEFICIARY_LIMIT_REACHED'; readonly limit: number }
  | { readonly code: 'TRANSACTION_NOT_FOUND'; readonly transactionId: string }
  | { readonly code: 'JOURNAL_ENTRY_NOT_FOUND'; readonly entryId: string }
  | { readonly code: 'HOLD_NOT_FOUND'; readonly holdId: string }
  | { readonly code: 'ACCOUNT_FROZEN'; readonly accountId: string }
  | { readonly code: 'ACCOUNT_CLOSED'; readonly accountId: string }
  | { readonly code: 'ACCOUNT_NOT_FROZEN'; readonly accountId: string }
  | { readonly code: 'ACCOUNT_BALANCE_NOT_ZERO'; readonly accountId: string }
  | { readonly code: 'ACCOUNT_HAS_ACTIVE_HOLDS'; readonly accountId: string }
  | { readonly code: 'ACCOUNTS_MUST_BE_DIFFERENT' }
  | {
      readonly code: 'CURRENCY_MISMATCH';
      readonly expected: CurrencyCode;
      readonly received: CurrencyCode;
    }
  | { readonly code: 'INSUFFICIENT_FUNDS'; readonly accountId: string }
  | { readonly code: 'HOLD_NOT_ACTIVE'; readonly holdId: string }
  | { readonly code: 'TRANSACTION_ALREADY_REVERSED'; readonly transactionId: string }
  | {
      readonly code: 'TRANSACTION_NOT_REVERSIBLE';
      readonly transactionId: string;
      readonly reason: string;
    }
  | {
      readonly code: 'FX_RATE_NOT_FOUND';
      readonly base: CurrencyCode;
      readonly quote: CurrencyCode;
    }
  | { readonly code: 'SAME_CURRENCY_FX'; readonly currency: CurrencyCode }
  | { readonly code: 'FRAUD_BLOCKED'; readonly reasons: readonly string[] }
  | {
      readonly code: 'TRANSACTION_NOT_IN_REVIEW';
      readonly transactionId: string;
      readonly status: string;
    }
  | { readonly code: 'WEBHOOK_URL_NOT_ALLOWED'; readonly reason: string }
  | { readonly code: 'IDEMPOTENCY_KEY_REUSED'; readonly key: string }
  | { readonly code: 'INVALID_CREDENTIALS' }
  | { readonly code: 'INVALID_REFRESH_TOKEN' }
  | { readonly code: 'PASSWORD_POLICY_VIOLATION'; readonly problems: readonly string[] }
  | {
      readonly code: 'KYC_LIMIT_EXCEEDED';
      readonly customerId: string;
      readonly tier: number;
      readonly limit: KycLimitKind;
      /** The limit in the transaction's currency, as a decimal string. */
      readonly limitAmount: string;
      readonly currency: CurrencyCode;
    }
  | {
      readonly code: 'AMOUNT_LIMIT_EXCEEDED';
      readonly kind: 'transaction' | 'approval';
      readonly currency: CurrencyCode;
      /** The caller's effective limit as a decimal string at the currency's scale. */
      readonly limit: string;
    }
  | { readonly code: 'USER_NOT_FOUND'; readonly userId: string }
  | { readonly code: 'ROLE_NOT_FOUND'; readonly roleId: string }
  | { readonly code: 'USERNAME_TAKEN'; readonly username: string }
  | { readonly code: 'ROLE_NAME_TAKEN'; readonly name: string }
  | { readonly code: 'ROLE_IS_SYSTEM'; readonly roleId: string }
  | { readonly code: 'ROLE_IN_USE'; readonly roleId: string; readonly members: number }
  | { readonly code: 'USER_CANNOT_DISABLE_SELF' }
  | { readonly code: 'ROLE_EXCEEDS_CALLER'; readonly permissions: readonly string[] }
  | { readonly code: 'LAST_ACTIVE_ADMIN'; readonly userId: string }
  | { readonly code: 'LOAN_NOT_FOUND'; readonly loanId: string }
  | {
      readonly code: 'LOAN_TRANSITION_NOT_ALLOWED';
      readonly loanId: string;
      readonly from: string;
      readonly action: string;
    }
  | { readonly code: 'LOAN_ACCOUNT_INVALID'; readonly accountId: string; readonly reason: string }
  | { readonly code: 'LOAN_HAS_ARREARS'; readonly loanId: string; readonly overdue: string }
  | { readonly code: 'REPAYMENT_EXCEEDS_BALANCE'; readonly loanId: string; readonly owed: string }
  | { readonly code: 'PRODUCT_NOT_FOUND'; readonly productId: string }
  | {
      readonly code: 'PRODUCT_TRANSITION_NOT_ALLOWED';
      readonly productId: string;
      readonly from: string;
      readonly action: string;
    }
  | { readonly code: 'PRODUCT_RETIRED'; readonly productId: string }
  | { readonly code: 'PRODUCT_DEFINITION_INVALID'; readonly problems: readonly string[] }
  | { readonly code: 'PRODUCT_CODE_TAKEN'; readonly productCode: string }
  | { readonly code: 'PRODUCT_NOT_ACTIVE'; readonly productId: string; readonly status: string }
  /** Rule names only (CURRENCY, KYC_TIER_TOO_LOW, AMOUNT_BELOW_MINIMUM…), never customer data. */
  | {
      readonly code: 'PRODUCT_NOT_ELIGIBLE';
      readonly productId: string;
      readonly reasons: readonly string[];
    }
  | {
      readonly code: 'LOAN_NOT_ELIGIBLE';
      readonly productId: string;
      readonly reasons: readonly string[];
    }
  | {
      readonly code: 'TERM_DEPOSIT_LOCKED';
      readonly accountId: string;
      readonly maturityDate: string;
    }
  | {
      readonly code: 'TERM_DEPOSIT_NOT_ACTIVE';
      readonly accountId: string;
      readonly status: string;
    }
  /** A posting would leave a product account outside its version's minimum or maximum balance. */
  | {
      readonly code: 'PRODUCT_BALANCE_LIMIT';
      readonly accountId: string;
      readonly limit: 'MIN_BALANCE' | 'MAX_BALANCE';
      readonly bound: string;
    }
  /** A movement that would not cover the fees its product charges on it (amounts as decimals). */
  | { readonly code: 'FEE_EXCEEDS_AMOUNT'; readonly amount: string; readonly fee: string };

export type DomainErrorCode = DomainError['code'];

/** A sentence for the problem+json `detail` that never carries customer data. */
export function describeDomainError(error: DomainError): string {
  switch (error.code) {
    case 'NOT_FOUND':
      return `${error.entity} ${error.id} does not exist`;
    case 'CONFLICT':
      return error.detail;
    case 'BUSINESS_DATE_NOT_ALLOWED':
      return error.detail;
    case 'ACCOUNT_NOT_FOUND':
      return `Account ${error.accountId} does not exist`;
    case 'CUSTOMER_NOT_FOUND':
      return `Customer ${error.customerId} does not exist`;
    case 'CUSTOMER_ERASED':
      return `Customer ${error.customerId} was erased: their personal data can no longer change`;
    case 'BENEFICIARY_NOT_FOUND':
      return `Beneficiary ${error.beneficiaryId} does not exist on this customer`;
    case 'BENEFICIARY_SHARES_EXCEEDED':
      return `Beneficiary percentages would total ${error.total}; the most is 100`;
    case 'BENEFICIARY_LIMIT_REACHED':
      return `A customer has at most ${error.limit} beneficiaries`;
    case 'TRANSACTION_NOT_FOUND':
      return `Transaction ${error.transactionId} does not exist`;
    case 'JOURNAL_ENTRY_NOT_FOUND':
      return `Journal entry ${error.entryId} does not exist`;
    case 'HOLD_NOT_FOUND':
      return `Hold ${error.holdId} does not exist on this account`;
    case 'ACCOUNT_FROZEN':
      return `Account ${error.accountId} is frozen: no debits are allowed`;
    case 'ACCOUNT_CLOSED':
      return `Account ${error.accountId} is closed`;
    case 'ACCOUNT_NOT_FROZEN':
      return `Account ${error.accountId} is not frozen`;
    case 'ACCOUNT_BALANCE_NOT_ZERO':
      return `Account ${error.accountId} can only be closed at a zero balance`;
    case 'ACCOUNT_HAS_ACTIVE_HOLDS':
      return `Account ${error.accountId} has active holds; release them first`;
    case 'ACCOUNTS_MUST_BE_DIFFERENT':
      return 'The source and destination accounts must be different';
    case 'CURRENCY_MISMATCH':
      return `Expected ${error.expected}, received ${error.received}`;
    case 'INSUFFICIENT_FUNDS':
      return `Account ${error.accountId} has insufficient available funds`;
    case 'HOLD_NOT_ACTIVE':
      return `Hold ${error.holdId} is no longer active`;
    case 'TRANSACTION_ALREADY_REVERSED':
      return `Transaction ${error.transactionId} has already been reversed`;
    case 'TRANSACTION_NOT_REVERSIBLE':
      return `Transaction ${error.transactionId} cannot be reversed: ${error.reason}`;
    case 'FX_RATE_NOT_FOUND':
      return `No FX rate from ${error.base} to ${error.quote}`;
    case 'SAME_CURRENCY_FX':
      return `Both sides are in ${error.currency}; use a transfer`;
    case 'WEBHOOK_URL_NOT_ALLOWED':
      return `The webhook URL is not allowed: ${error.reason}`;
    case 'FRAUD_BLOCKED':
      // The reasons are Bastion's rule names, never customer data.
      return error.reasons.length === 0
        ? 'Refused by fraud screening'
        : `Refused by fraud screening: ${error.reasons.join(', ')}`;
    case 'TRANSACTION_NOT_IN_REVIEW':
      return `Transaction ${error.transactionId} is not waiting for review (${error.status})`;
    case 'IDEMPOTENCY_KEY_REUSED':
      return 'This Idempotency-Key was used with a different request';
    case 'INVALID_CREDENTIALS':
      // One message for unknown users, wrong passwords, locked and inactive users alike.
      return 'Invalid username or password';
    case 'INVALID_REFRESH_TOKEN':
      return 'The refresh token is not valid';
    case 'PASSWORD_POLICY_VIOLATION':
      return `The password does not meet the policy: ${error.problems.join('; ')}`;
    case 'KYC_LIMIT_EXCEEDED':
      return error.limit === 'SINGLE'
        ? `The amount exceeds the single-transaction limit of ${error.limitAmount} ${error.currency} for KYC tier ${error.tier}`
        : `The customer's ${kycPeriodNames[error.limit]} volume would exceed ${error.limitAmount} ${error.currency}, the limit for KYC tier ${error.tier}`;
    case 'AMOUNT_LIMIT_EXCEEDED':
      return `The amount exceeds your ${error.kind} limit of ${error.limit} ${error.currency}`;
    case 'USER_NOT_FOUND':
      return `User ${error.userId} does not exist`;
    case 'ROLE_NOT_FOUND':
      return `Role ${error.roleId} does not exist`;
    case 'USERNAME_TAKEN':
      return `The username ${error.username} is taken`;
    case 'ROLE_NAME_TAKEN':
      return `A role named ${error.name} exists`;
    case 'ROLE_IS_SYSTEM':
      return `${error.roleId} is a system role: it cannot be changed or deleted`;
    case 'ROLE_IN_USE':
      return `Role ${error.roleId} is held by ${error.members} user(s); remove it from them first`;
    case 'ROLE_EXCEEDS_CALLER':
      return `You cannot grant permissions you do not hold: ${error.permissions.join(', ')}`;
    case 'USER_CANNOT_DISABLE_SELF':
      return 'You cannot deactivate or lock your own user';
    case 'LAST_ACTIVE_ADMIN':
      return `User ${error.userId} is the last active administrator; make another one first`;
    case 'LOAN_NOT_FOUND':
      return `Loan ${error.loanId} does not exist`;
    case 'LOAN_TRANSITION_NOT_ALLOWED':
      return `Loan ${error.loanId} is ${error.from}: ${error.action} is not allowed`;
    case 'LOAN_ACCOUNT_INVALID':
      return `Account ${error.accountId} cannot be used for this loan: ${error.reason}`;
    case 'LOAN_HAS_ARREARS':
      return `Loan ${error.loanId} has ${error.overdue} overdue; pay what is due first`;
    case 'REPAYMENT_EXCEEDS_BALANCE':
      return `The repayment is more than loan ${error.loanId} owes (${error.owed})`;
    case 'PRODUCT_NOT_FOUND':
      return `Product ${error.productId} does not exist`;
    case 'PRODUCT_TRANSITION_NOT_ALLOWED':
      return `Product ${error.productId} is ${error.from}: ${error.action} is not allowed`;
    case 'PRODUCT_RETIRED':
      return `Product ${error.productId} is retired: it can no longer change`;
    case 'PRODUCT_DEFINITION_INVALID':
      return `The product definition is not valid: ${error.problems.join('; ')}`;
    case 'PRODUCT_CODE_TAKEN':
      return `A product with code ${error.productCode} exists`;
    case 'PRODUCT_NOT_ACTIVE':
      return `Product ${error.productId} is ${error.status}: only ACTIVE products open accounts and loans`;
    case 'PRODUCT_NOT_ELIGIBLE':
      return `The request does not fit product ${error.productId}: ${error.reasons.join(', ')}`;
    case 'LOAN_NOT_ELIGIBLE':
      return `The loan does not fit product ${error.productId}: ${error.reasons.join(', ')}`;
    case 'TERM_DEPOSIT_LOCKED':
      return `Account ${error.accountId} is a term deposit maturing on ${error.maturityDate}: no deposits or withdrawals before then (break it instead)`;
    case 'TERM_DEPOSIT_NOT_ACTIVE':
      return `Term deposit ${error.accountId} is ${error.status}`;
    case 'PRODUCT_BALANCE_LIMIT':
      return error.limit === 'MIN_BALANCE'
        ? `The posting would take account ${error.accountId} below its product's minimum balance of ${error.bound}`
        : `The posting would take account ${error.accountId} above its product's maximum balance of ${error.bound}`;
    case 'FEE_EXCEEDS_AMOUNT':
      return `The fees of ${error.fee} are not covered by the amount of ${error.amount}`;
  }
}

const kycPeriodNames = { DAY: 'daily', MONTH: 'monthly', YEAR: 'annual' } as const;
