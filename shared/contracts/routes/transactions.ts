import * as z from 'zod';
import { defineRoute } from '../route';
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
  description: 'The posted transaction',
  schema: TransactionSchema,
} as const;
const debitErrors = [
  'AMOUNT_LIMIT_EXCEEDED',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_FROZEN',
  'ACCOUNT_CLOSED',
  'CURRENCY_MISMATCH',
  'INSUFFICIENT_FUNDS',
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
