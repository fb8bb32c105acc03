import { err, ok, type Result } from '../result';

export const loanStatuses = [
  'PENDING_APPROVAL',
  'APPROVED',
  'REJECTED',
  'ACTIVE',
  'PAID_OFF',
  'WRITTEN_OFF',
  'CLOSED',
] as const;
export type LoanStatus = (typeof loanStatuses)[number];

export const loanActions = [
  'APPROVE',
  'REJECT',
  'DISBURSE',
  'PAY_OFF',
  'WRITE_OFF',
  'CLOSE',
] as const;
export type LoanAction = (typeof loanActions)[number];

/**
 * The allowed transitions, and only these. APPROVED → CLOSED is an approved loan withdrawn
 * before disbursement; PAID_OFF and WRITTEN_OFF loans are closed once nothing is left to do on
 * them (refunds, recoveries). REJECTED and CLOSED are final.
 */
const transitions: Readonly<Record<LoanStatus, Partial<Record<LoanAction, LoanStatus>>>> = {
  PENDING_APPROVAL: { APPROVE: 'APPROVED', REJECT: 'REJECTED' },
  APPROVED: { DISBURSE: 'ACTIVE', CLOSE: 'CLOSED' },
  REJECTED: {},
  ACTIVE: { PAY_OFF: 'PAID_OFF', WRITE_OFF: 'WRITTEN_OFF' },
  PAID_OFF: { CLOSE: 'CLOSED' },
  WRITTEN_OFF: { CLOSE: 'CLOSED' },
  CLOSED: {},
};

/** Refused transition; maps to 409 when wired (a new DomainError code). */
export interface LoanTransitionRefused {
  readonly code: 'LOAN_TRANSITION_NOT_ALLOWED';
  readonly from: LoanStatus;
  readonly action: LoanAction;
}

/** The status after `action`, or why the loan cannot take it from `from`. */
export function transitionLoan(
  from: LoanStatus,
  action: LoanAction,
): Result<LoanStatus, LoanTransitionRefused> {
  const to = transitions[from][action];
  return to === undefined ? err({ code: 'LOAN_TRANSITION_NOT_ALLOWED', from, action }) : ok(to);
}

/** The actions a loan in `status` may take (for UIs and tests). */
export function allowedLoanActions(status: LoanStatus): LoanAction[] {
  return loanActions.filter((action) => transitions[status][action] !== undefined);
}
