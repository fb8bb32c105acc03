import * as z from 'zod';
import { defineRoute } from '../route';
import { PageQuerySchema, pageOf } from '../schemas/common';
import { AccountLineSchema, AccountSchema, HoldSchema, TransactionSchema } from '../schemas/ledger';
import { MoneySchema } from '../schemas/money';
import { BreakTermDepositBodySchema, TermDepositSchema } from '../schemas/products';
import {
  OpenAccountBodySchema,
  PlaceHoldBodySchema,
  RefSchema,
  StatusChangeBodySchema,
} from '../schemas/requests';

const accountParams = z.strictObject({ accountId: RefSchema });

const statusChange = (
  action: 'freeze' | 'unfreeze' | 'close',
  summary: string,
  errorCodes: string[],
) =>
  defineRoute({
    method: 'POST',
    path: `/accounts/{accountId}/${action}`,
    group: 'accounts',
    permission: action === 'close' ? 'CLOSE_ACCOUNT' : 'MODIFY_ACCOUNT',
    summary,
    params: accountParams,
    body: StatusChangeBodySchema,
    idempotent: true,
    success: { status: 200, description: 'The account after the change', schema: AccountSchema },
    errorCodes: ['ACCOUNT_NOT_FOUND', 'ACCOUNT_CLOSED', 'CONFLICT', ...errorCodes],
  });

/** Customer accounts: opening, balances, history, holds and status. */
export const accountRoutes = {
  openAccount: defineRoute({
    method: 'POST',
    path: '/accounts',
    group: 'accounts',
    permission: 'CREATE_ACCOUNT',
    summary: 'Open an account for a customer',
    body: OpenAccountBodySchema,
    idempotent: true,
    success: {
      status: 201,
      description: 'The account, at zero or at its funded opening amount',
      schema: AccountSchema,
    },
    errorCodes: [
      'CUSTOMER_NOT_FOUND',
      'PRODUCT_NOT_FOUND',
      'PRODUCT_NOT_ACTIVE',
      'PRODUCT_NOT_ELIGIBLE',
      'ACCOUNT_NOT_FOUND',
      'INSUFFICIENT_FUNDS',
      'KYC_LIMIT_EXCEEDED',
    ],
  }),
  getAccount: defineRoute({
    method: 'GET',
    path: '/accounts/{accountId}',
    group: 'accounts',
    permission: 'VIEW_ACCOUNT',
    summary: 'Get an account with its posted and available balances',
    params: accountParams,
    success: { status: 200, description: 'The account', schema: AccountSchema },
    errorCodes: ['ACCOUNT_NOT_FOUND'],
  }),
  listAccountTransactions: defineRoute({
    method: 'GET',
    path: '/accounts/{accountId}/transactions',
    group: 'accounts',
    permission: 'VIEW_ACCOUNT',
    summary: "An account's history, newest first, each line with the balance after it",
    params: accountParams,
    query: PageQuerySchema,
    success: {
      status: 200,
      description: 'A page of history lines',
      schema: pageOf(AccountLineSchema),
    },
    errorCodes: ['ACCOUNT_NOT_FOUND'],
  }),
  placeHold: defineRoute({
    method: 'POST',
    path: '/accounts/{accountId}/holds',
    group: 'accounts',
    permission: 'MODIFY_ACCOUNT',
    summary: 'Reserve funds on an account',
    params: accountParams,
    body: PlaceHoldBodySchema,
    idempotent: true,
    success: { status: 201, description: 'The hold', schema: HoldSchema },
    errorCodes: [
      'ACCOUNT_NOT_FOUND',
      'ACCOUNT_FROZEN',
      'ACCOUNT_CLOSED',
      'CURRENCY_MISMATCH',
      'INSUFFICIENT_FUNDS',
    ],
  }),
  listHolds: defineRoute({
    method: 'GET',
    path: '/accounts/{accountId}/holds',
    group: 'accounts',
    permission: 'VIEW_ACCOUNT',
    summary: "An account's holds",
    params: accountParams,
    success: {
      status: 200,
      description: 'The holds',
      schema: z.object({ items: z.array(HoldSchema) }),
    },
    errorCodes: ['ACCOUNT_NOT_FOUND'],
  }),
  releaseHold: defineRoute({
    method: 'DELETE',
    path: '/accounts/{accountId}/holds/{holdId}',
    group: 'accounts',
    permission: 'MODIFY_ACCOUNT',
    summary: 'Release a hold',
    params: z.strictObject({ accountId: RefSchema, holdId: RefSchema }),
    success: { status: 200, description: 'The released hold', schema: HoldSchema },
    errorCodes: ['ACCOUNT_NOT_FOUND', 'HOLD_NOT_FOUND', 'HOLD_NOT_ACTIVE'],
  }),
  getTermDeposit: defineRoute({
    method: 'GET',
    path: '/accounts/{accountId}/term-deposit',
    group: 'accounts',
    permission: 'VIEW_ACCOUNT',
    summary: "A term deposit's contract: rate, dates, maturity instruction, maturity amount",
    params: accountParams,
    success: { status: 200, description: 'The contract', schema: TermDepositSchema },
    errorCodes: ['NOT_FOUND'],
  }),
  breakTermDeposit: defineRoute({
    method: 'POST',
    path: '/accounts/{accountId}/break',
    group: 'accounts',
    permission: 'CLOSE_ACCOUNT',
    summary: "Withdraw a term deposit before maturity with its product's penalty",
    params: accountParams,
    body: BreakTermDepositBodySchema,
    idempotent: true,
    success: {
      status: 201,
      description: 'The contract after, the posting, and the figures',
      schema: z.object({
        termDeposit: TermDepositSchema,
        transaction: TransactionSchema,
        earned: MoneySchema,
        alreadyPaid: MoneySchema,
        penalty: MoneySchema,
        payout: MoneySchema,
      }),
    },
    errorCodes: [
      'NOT_FOUND',
      'ACCOUNT_NOT_FOUND',
      'TERM_DEPOSIT_NOT_ACTIVE',
      'PRODUCT_NOT_ELIGIBLE',
      'KYC_LIMIT_EXCEEDED',
    ],
  }),
  freezeAccount: statusChange('freeze', 'Freeze an account: no debits until unfrozen', []),
  unfreezeAccount: statusChange('unfreeze', 'Unfreeze an account', ['ACCOUNT_NOT_FROZEN']),
  closeAccount: statusChange('close', 'Close an account at zero balance', [
    'ACCOUNT_BALANCE_NOT_ZERO',
    'ACCOUNT_HAS_ACTIVE_HOLDS',
  ]),
} as const;
