import { describe, expect, it } from '@jest/globals';
import {
  allowedLoanActions,
  loanActions,
  loanStatuses,
  transitionLoan,
  type LoanAction,
  type LoanStatus,
} from '../../../../../shared/domain/lending/loan-status';

/** The whole table, written out: anything not listed is refused. */
const allowed: Record<string, LoanStatus> = {
  'PENDING_APPROVAL APPROVE': 'APPROVED',
  'PENDING_APPROVAL REJECT': 'REJECTED',
  'APPROVED DISBURSE': 'ACTIVE',
  'APPROVED CLOSE': 'CLOSED',
  'ACTIVE PAY_OFF': 'PAID_OFF',
  'ACTIVE WRITE_OFF': 'WRITTEN_OFF',
  'PAID_OFF CLOSE': 'CLOSED',
  'WRITTEN_OFF CLOSE': 'CLOSED',
};

const pairs = loanStatuses.flatMap((from) => loanActions.map((action) => [from, action] as const));

describe('loan state machine', () => {
  it.each(pairs)('%s + %s', (from: LoanStatus, action: LoanAction) => {
    const to = allowed[`${from} ${action}`];
    expect(transitionLoan(from, action)).toEqual(
      to === undefined
        ? { ok: false, error: { code: 'LOAN_TRANSITION_NOT_ALLOWED', from, action } }
        : { ok: true, value: to },
    );
  });

  it('has no way out of REJECTED and CLOSED', () => {
    expect(allowedLoanActions('REJECTED')).toEqual([]);
    expect(allowedLoanActions('CLOSED')).toEqual([]);
    expect(allowedLoanActions('ACTIVE')).toEqual(['PAY_OFF', 'WRITE_OFF']);
  });
});
