import type { DomainError, DomainErrorCode } from '../domain/errors';
import { describeDomainError } from '../domain/errors';

/** Failures decided at the HTTP edge, before or around a use case. */
export type EdgeErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'IDEMPOTENCY_REQUEST_IN_PROGRESS'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export type ApiErrorCode = DomainErrorCode | EdgeErrorCode;

/**
 * The one table from error code to HTTP status and title. A new code without a row fails the
 * build; no other file holds an error status number.
 */
export const problemByCode = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this route' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflicting state' },
  BUSINESS_DATE_NOT_ALLOWED: { status: 422, title: 'Business date not allowed' },
  ACCOUNT_NOT_FOUND: { status: 404, title: 'Account not found' },
  CUSTOMER_NOT_FOUND: { status: 404, title: 'Customer not found' },
  CUSTOMER_ERASED: { status: 409, title: 'Customer erased' },
  BENEFICIARY_NOT_FOUND: { status: 404, title: 'Beneficiary not found' },
  BENEFICIARY_SHARES_EXCEEDED: { status: 422, title: 'Beneficiary shares exceed 100 percent' },
  BENEFICIARY_LIMIT_REACHED: { status: 422, title: 'Too many beneficiaries' },
  TRANSACTION_NOT_FOUND: { status: 404, title: 'Transaction not found' },
  JOURNAL_ENTRY_NOT_FOUND: { status: 404, title: 'Journal entry not found' },
  HOLD_NOT_FOUND: { status: 404, title: 'Hold not found' },
  ACCOUNT_FROZEN: { status: 422, title: 'Account frozen' },
  ACCOUNT_CLOSED: { status: 422, title: 'Account closed' },
  ACCOUNT_NOT_FROZEN: { status: 409, title: 'Account not frozen' },
  ACCOUNT_BALANCE_NOT_ZERO: { status: 422, title: 'Account balance is not zero' },
  ACCOUNT_HAS_ACTIVE_HOLDS: { status: 422, title: 'Account has active holds' },
  ACCOUNTS_MUST_BE_DIFFERENT: { status: 422, title: 'Accounts must be different' },
  CURRENCY_MISMATCH: { status: 422, title: 'Currency mismatch' },
  INSUFFICIENT_FUNDS: { status: 422, title: 'Insufficient funds' },
  KYC_LIMIT_EXCEEDED: { status: 422, title: 'KYC tier limit exceeded' },
  HOLD_NOT_ACTIVE: { status: 409, title: 'Hold not active' },
  TRANSACTION_ALREADY_REVERSED: { status: 409, title: 'Transaction already reversed' },
  TRANSACTION_NOT_REVERSIBLE: { status: 422, title: 'Transaction not reversible' },
  FX_RATE_NOT_FOUND: { status: 422, title: 'FX rate not found' },
  SAME_CURRENCY_FX: { status: 422, title: 'Same currency on both sides' },
  FRAUD_BLOCKED: { status: 422, title: 'Blocked by fraud screening' },
  TRANSACTION_NOT_IN_REVIEW: { status: 409, title: 'Transaction not in review' },
  WEBHOOK_URL_NOT_ALLOWED: { status: 422, title: 'Webhook URL not allowed' },
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid credentials' },
  INVALID_REFRESH_TOKEN: { status: 401, title: 'Invalid refresh token' },
  PASSWORD_POLICY_VIOLATION: { status: 422, title: 'Password policy not met' },
  AMOUNT_LIMIT_EXCEEDED: { status: 403, title: 'Amount above your limit' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  ROLE_NOT_FOUND: { status: 404, title: 'Role not found' },
  USERNAME_TAKEN: { status: 409, title: 'Username taken' },
  ROLE_NAME_TAKEN: { status: 409, title: 'Role name taken' },
  ROLE_IS_SYSTEM: { status: 409, title: 'System roles are immutable' },
  ROLE_IN_USE: { status: 409, title: 'Role in use' },
  USER_CANNOT_DISABLE_SELF: { status: 409, title: 'Cannot disable yourself' },
  ROLE_EXCEEDS_CALLER: { status: 403, title: 'Role grants more than you hold' },
  LAST_ACTIVE_ADMIN: { status: 409, title: 'Last active administrator' },
  LOAN_NOT_FOUND: { status: 404, title: 'Loan not found' },
  LOAN_TRANSITION_NOT_ALLOWED: { status: 409, title: 'Not allowed in the loan state' },
  LOAN_ACCOUNT_INVALID: { status: 422, title: 'Account not usable for the loan' },
  LOAN_HAS_ARREARS: { status: 422, title: 'Loan has arrears' },
  REPAYMENT_EXCEEDS_BALANCE: { status: 422, title: 'Repayment exceeds what is owed' },
  PRODUCT_NOT_FOUND: { status: 404, title: 'Product not found' },
  PRODUCT_TRANSITION_NOT_ALLOWED: { status: 409, title: 'Not allowed in the product state' },
  PRODUCT_RETIRED: { status: 409, title: 'Product retired' },
  PRODUCT_DEFINITION_INVALID: { status: 422, title: 'Product definition not valid' },
  PRODUCT_CODE_TAKEN: { status: 409, title: 'Product code taken' },
  PRODUCT_NOT_ACTIVE: { status: 422, title: 'Product not active' },
  PRODUCT_NOT_ELIGIBLE: { status: 422, title: 'Not eligible for the product' },
  LOAN_NOT_ELIGIBLE: { status: 422, title: 'Loan does not fit the product' },
  TERM_DEPOSIT_LOCKED: { status: 422, title: 'Term deposit locked until maturity' },
  TERM_DEPOSIT_NOT_ACTIVE: { status: 409, title: 'Term deposit not active' },
  PRODUCT_BALANCE_LIMIT: { status: 422, title: "Outside the product's balance limits" },
  FEE_EXCEEDS_AMOUNT: { status: 422, title: 'Amount does not cover its fees' },
  IDEMPOTENCY_REQUEST_IN_PROGRESS: { status: 409, title: 'The original request is still running' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused with another request' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'A dependency is unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<ApiErrorCode, { status: number; title: string }>;

export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * An error with a public code, thrown at the edge and rendered as problem+json. Its `detail` is
 * shown to the client, so it must never carry customer data or internals.
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly detail: string;
  readonly errors: readonly FieldProblem[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCode,
    detail: string,
    options: {
      errors?: readonly FieldProblem[];
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(`${code}: ${detail}`, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return problemByCode[this.code].status;
  }
}

/** Turns an expected domain failure into the error the edge renders. */
export const apiErrorFrom = (error: DomainError): ApiError =>
  new ApiError(error.code, describeDomainError(error));

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ApiErrorCode;
  readonly requestId: string;
  readonly errors?: readonly FieldProblem[];
}

/** The RFC 9457 body for an error; `type` is a stable URI per code. */
export function problemBody(error: ApiError, requestId: string): ProblemBody {
  const { status, title } = problemByCode[error.code];
  return {
    type: `https://nexum.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail: error.detail,
    code: error.code,
    requestId,
    ...(error.errors === undefined ? {} : { errors: error.errors }),
  };
}
