import * as z from 'zod';
import { defineRoute } from '../route';
import {
  ApproveHeldBodySchema,
  FraudCaseSchema,
  FraudCasesQuerySchema,
  FraudScoreSchema,
  FraudStatusSchema,
  RejectHeldBodySchema,
} from '../schemas/fraud';
import { pageOf } from '../schemas/common';
import { TransactionSchema } from '../schemas/ledger';
import {
  DepositBodySchema,
  FxTransferBodySchema,
  RefSchema,
  ReverseBodySchema,
  TransferBodySchema,
  WithdrawBodySchema,
} from '../schemas/requests';

const posted = {
  status: 201,
  description:
    'The posted transaction; 202 with status PENDING_REVIEW when fraud screening held it for ' +
    'review (the amount on hold, nothing booked)',
  schema: TransactionSchema,
} as const;
const transactionParams = z.strictObject({ transactionId: RefSchema });
const debitErrors = [
  'AMOUNT_LIMIT_EXCEEDED',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_FROZEN',
  'ACCOUNT_CLOSED',
  'CURRENCY_MISMATCH',
  'INSUFFICIENT_FUNDS',
  'PRODUCT_BALANCE_LIMIT',
  'FRAUD_BLOCKED',
  'CONFLICT',
];

/** Money movements: each one balanced journal entry, posted atomically and idempotently. */
export const transactionRoutes = {
  deposit: defineRoute({
    method: 'POST',
    path: '/transactions/deposit',
    group: 'transactions',
    permission: 'CREATE_TRANSACTION',
    summary: 'Deposit into an account',
    body: DepositBodySchema,
    idempotent: true,
    success: posted,
    errorCodes: [
      'AMOUNT_LIMIT_EXCEEDED',
      'ACCOUNT_NOT_FOUND',
      'ACCOUNT_CLOSED',
      'CURRENCY_MISMATCH',
      'PRODUCT_BALANCE_LIMIT',
      'FEE_EXCEEDS_AMOUNT',
      'FRAUD_BLOCKED',
      'CONFLICT',
    ],
  }),
  withdraw: defineRoute({
    method: 'POST',
    path: '/transactions/withdraw',
    group: 'transactions',
    permission: 'CREATE_TRANSACTION',
    summary: 'Withdraw from an account within its available balance',
    body: WithdrawBodySchema,
    idempotent: true,
    success: posted,
    errorCodes: debitErrors,
  }),
  transfer: defineRoute({
    method: 'POST',
    path: '/transactions/transfer',
    group: 'transactions',
    permission: 'CREATE_TRANSACTION',
    summary: 'Transfer between two accounts of the same currency',
    body: TransferBodySchema,
    idempotent: true,
    success: posted,
    errorCodes: [...debitErrors, 'ACCOUNTS_MUST_BE_DIFFERENT'],
  }),
  fxTransfer: defineRoute({
    method: 'POST',
    path: '/transactions/fx-transfer',
    group: 'transactions',
    permission: 'CREATE_TRANSACTION',
    summary: 'Transfer between accounts of different currencies at the stored FX rate',
    description:
      'The amount is in the source currency; the converted amount is rounded half-even to the ' +
      'target currency scale and booked through the FX position accounts.',
    body: FxTransferBodySchema,
    idempotent: true,
    success: posted,
    errorCodes: [
      ...debitErrors,
      'ACCOUNTS_MUST_BE_DIFFERENT',
      'FX_RATE_NOT_FOUND',
      'SAME_CURRENCY_FX',
    ],
  }),
  reverseTransaction: defineRoute({
    method: 'POST',
    path: '/transactions/{transactionId}/reverse',
    group: 'transactions',
    permission: 'REVERSE_TRANSACTION',
    summary: 'Reverse a transaction with an opposite entry (at most once)',
    params: z.strictObject({ transactionId: RefSchema }),
    body: ReverseBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The reversing transaction', schema: TransactionSchema },
    errorCodes: [
      'TRANSACTION_NOT_FOUND',
      'TRANSACTION_ALREADY_REVERSED',
      'TRANSACTION_NOT_REVERSIBLE',
      'INSUFFICIENT_FUNDS',
      'ACCOUNT_CLOSED',
    ],
  }),
  approveTransaction: defineRoute({
    method: 'POST',
    path: '/transactions/{transactionId}/approve',
    group: 'transactions',
    permission: 'APPROVE_TRANSACTION',
    summary: 'Approve a movement held for fraud review: it is booked and its hold released',
    description:
      "Decided again on the accounts as they are now (funds, status, KYC limits, today's FX " +
      "rate), within the caller's approval limit; not scored again.",
    params: transactionParams,
    body: ApproveHeldBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The posted transaction', schema: TransactionSchema },
    errorCodes: [...debitErrors, 'TRANSACTION_NOT_FOUND', 'TRANSACTION_NOT_IN_REVIEW'],
  }),
  rejectTransaction: defineRoute({
    method: 'POST',
    path: '/transactions/{transactionId}/reject',
    group: 'transactions',
    permission: 'APPROVE_TRANSACTION',
    summary: 'Reject a movement held for fraud review: nothing is booked, its hold is released',
    params: transactionParams,
    body: RejectHeldBodySchema,
    idempotent: true,
    success: {
      status: 200,
      description: 'The transaction, REJECTED',
      schema: TransactionSchema,
    },
    errorCodes: ['TRANSACTION_NOT_FOUND', 'TRANSACTION_NOT_IN_REVIEW', 'CONFLICT'],
  }),
  getFraudScore: defineRoute({
    method: 'GET',
    path: '/transactions/{transactionId}/fraud-score',
    group: 'transactions',
    permission: 'VIEW_TRANSACTION',
    summary: 'The fraud decision stored for a transaction (also for blocked ones)',
    params: transactionParams,
    success: { status: 200, description: 'The decision', schema: FraudScoreSchema },
    errorCodes: ['TRANSACTION_NOT_FOUND', 'NOT_FOUND'],
  }),
  listFraudCases: defineRoute({
    method: 'GET',
    path: '/fraud/reviews',
    group: 'transactions',
    permission: 'VIEW_TRANSACTION',
    summary:
      'Movements stopped by fraud screening, by status (default PENDING_REVIEW), oldest first',
    query: FraudCasesQuerySchema,
    success: { status: 200, description: 'A page of cases', schema: pageOf(FraudCaseSchema) },
    errorCodes: [],
  }),
  getFraudStatus: defineRoute({
    method: 'GET',
    path: '/fraud/status',
    group: 'transactions',
    permission: 'SYSTEM_CONFIG',
    summary: "The Bastion client's health and counters (this container), and pending reviews",
    success: { status: 200, description: 'The scorer status', schema: FraudStatusSchema },
    errorCodes: [],
  }),
  getTransaction: defineRoute({
    method: 'GET',
    path: '/transactions/{transactionId}',
    group: 'transactions',
    permission: 'VIEW_TRANSACTION',
    summary: 'Get a transaction',
    params: z.strictObject({ transactionId: RefSchema }),
    success: { status: 200, description: 'The transaction', schema: TransactionSchema },
    errorCodes: ['TRANSACTION_NOT_FOUND'],
  }),
} as const;
