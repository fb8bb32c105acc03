import * as z from 'zod';
import { defineRoute } from '../route';
import { PageQuerySchema, pageOf } from '../schemas/common';
import {
  LoanApplicationSchema,
  LoanRepaymentSchema,
  LoanResponseSchema,
  LoanScheduleSchema,
  PayoffQuerySchema,
  PayoffQuoteSchema,
} from '../schemas/loans';
import { TransactionSchema } from '../schemas/ledger';
import { MoneySchema } from '../schemas/money';
import { RefSchema, ReverseBodySchema } from '../schemas/requests';

const loanParams = z.strictObject({ loanId: RefSchema });
const loanReply = {
  status: 200,
  description: 'The loan after the change',
  schema: LoanResponseSchema,
} as const;

/** A money movement of a loan: the loan after it, the ledger transaction and how it was split. */
export const LoanPostingSchema = z
  .object({
    loan: LoanResponseSchema,
    transaction: TransactionSchema,
    allocated: z.object({
      principal: MoneySchema,
      interest: MoneySchema,
      fees: MoneySchema,
      penalties: MoneySchema,
    }),
  })
  .meta({ id: 'LoanPosting' });

const statusChange = (
  action: 'approve' | 'reject' | 'close',
  permission: 'APPROVE_LOAN' | 'CREATE_LOAN',
  summary: string,
  extra: { body?: typeof ReverseBodySchema; errorCodes?: string[] } = {},
) =>
  defineRoute({
    method: 'POST',
    path: `/loans/{loanId}/${action}`,
    group: 'loans',
    permission,
    summary,
    params: loanParams,
    ...(extra.body === undefined ? {} : { body: extra.body }),
    idempotent: true,
    success: loanReply,
    errorCodes: [
      'LOAN_NOT_FOUND',
      'LOAN_TRANSITION_NOT_ALLOWED',
      'CONFLICT',
      ...(extra.errorCodes ?? []),
    ],
  });

/** Loans: origination, approval, disbursement, repayments, payoff, write-off (issue #5). */
export const loanRoutes = {
  createLoan: defineRoute({
    method: 'POST',
    path: '/loans',
    group: 'loans',
    permission: 'CREATE_LOAN',
    summary: 'Apply for a loan; it is created PENDING_APPROVAL with its schedule',
    body: LoanApplicationSchema,
    idempotent: true,
    success: { status: 201, description: 'The loan', schema: LoanResponseSchema },
    errorCodes: [
      'CUSTOMER_NOT_FOUND',
      'NOT_FOUND',
      'PRODUCT_NOT_FOUND',
      'PRODUCT_NOT_ACTIVE',
      'LOAN_NOT_ELIGIBLE',
    ],
  }),
  listLoans: defineRoute({
    method: 'GET',
    path: '/loans',
    group: 'loans',
    permission: 'VIEW_LOAN',
    summary: "A customer's loans",
    query: PageQuerySchema.extend({ customerId: RefSchema }),
    success: { status: 200, description: 'A page of loans', schema: pageOf(LoanResponseSchema) },
    errorCodes: [],
  }),
  getLoan: defineRoute({
    method: 'GET',
    path: '/loans/{loanId}',
    group: 'loans',
    permission: 'VIEW_LOAN',
    summary: 'A loan with days past due, arrears bucket and what is outstanding',
    params: loanParams,
    success: { status: 200, description: 'The loan', schema: LoanResponseSchema },
    errorCodes: ['LOAN_NOT_FOUND'],
  }),
  getLoanSchedule: defineRoute({
    method: 'GET',
    path: '/loans/{loanId}/schedule',
    group: 'loans',
    permission: 'VIEW_LOAN',
    summary: 'The repayment schedule with each installment’s status today',
    params: loanParams,
    success: { status: 200, description: 'The schedule', schema: LoanScheduleSchema },
    errorCodes: ['LOAN_NOT_FOUND'],
  }),
  getLoanPayoff: defineRoute({
    method: 'GET',
    path: '/loans/{loanId}/payoff',
    group: 'loans',
    permission: 'VIEW_LOAN',
    summary: 'What settles the loan on a date',
    params: loanParams,
    query: PayoffQuerySchema,
    success: { status: 200, description: 'The payoff quote', schema: PayoffQuoteSchema },
    errorCodes: ['LOAN_NOT_FOUND', 'LOAN_TRANSITION_NOT_ALLOWED'],
  }),
  approveLoan: statusChange(
    'approve',
    'APPROVE_LOAN',
    'Approve a loan within your approval limit',
    {
      errorCodes: ['AMOUNT_LIMIT_EXCEEDED'],
    },
  ),
  rejectLoan: statusChange('reject', 'APPROVE_LOAN', 'Reject a loan application', {
    body: ReverseBodySchema,
  }),
  closeLoan: statusChange(
    'close',
    'CREATE_LOAN',
    'Close a withdrawn, paid-off or written-off loan',
  ),
  disburseLoan: defineRoute({
    method: 'POST',
    path: '/loans/{loanId}/disburse',
    group: 'loans',
    permission: 'DISBURSE_LOAN',
    summary: "Disburse an approved loan into the borrower's deposit account",
    params: loanParams,
    body: z.strictObject({ accountId: RefSchema }).meta({ id: 'LoanDisbursement' }),
    idempotent: true,
    success: { status: 201, description: 'The disbursement', schema: LoanPostingSchema },
    errorCodes: [
      'LOAN_NOT_FOUND',
      'LOAN_TRANSITION_NOT_ALLOWED',
      'LOAN_ACCOUNT_INVALID',
      'ACCOUNT_NOT_FOUND',
      'ACCOUNT_CLOSED',
      'ACCOUNT_FROZEN',
      'CURRENCY_MISMATCH',
      'KYC_LIMIT_EXCEEDED',
      'FEE_EXCEEDS_AMOUNT',
      'PRODUCT_BALANCE_LIMIT',
      'CONFLICT',
    ],
  }),
  repayLoan: defineRoute({
    method: 'POST',
    path: '/loans/{loanId}/repayments',
    group: 'loans',
    permission: 'CREATE_TRANSACTION',
    summary: 'Repay: due installments oldest first, the excess prepays',
    params: loanParams,
    body: LoanRepaymentSchema,
    idempotent: true,
    success: { status: 201, description: 'The repayment', schema: LoanPostingSchema },
    errorCodes: [
      'AMOUNT_LIMIT_EXCEEDED',
      'LOAN_NOT_FOUND',
      'LOAN_TRANSITION_NOT_ALLOWED',
      'LOAN_ACCOUNT_INVALID',
      'LOAN_HAS_ARREARS',
      'REPAYMENT_EXCEEDS_BALANCE',
      'ACCOUNT_NOT_FOUND',
      'ACCOUNT_CLOSED',
      'ACCOUNT_FROZEN',
      'CURRENCY_MISMATCH',
      'INSUFFICIENT_FUNDS',
      'PRODUCT_BALANCE_LIMIT',
      'KYC_LIMIT_EXCEEDED',
      'CONFLICT',
    ],
  }),
  writeOffLoan: defineRoute({
    method: 'POST',
    path: '/loans/{loanId}/write-off',
    group: 'loans',
    permission: 'WRITE_OFF_LOAN',
    summary: 'Write the outstanding principal off to loan-loss expense',
    params: loanParams,
    body: ReverseBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The write-off', schema: LoanPostingSchema },
    errorCodes: ['LOAN_NOT_FOUND', 'LOAN_TRANSITION_NOT_ALLOWED', 'CONFLICT'],
  }),
} as const;
