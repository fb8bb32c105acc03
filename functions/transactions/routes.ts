import {
  deposit,
  fxTransfer,
  reverseTransaction,
  transfer,
  withdraw,
} from '@shared/application/ledger/move-money';
import type { TransactionRecord } from '@shared/application/ledger/records';
import type { Dependencies } from '@shared/application/ports';
import { Money, type CurrencyCode } from '@shared/domain/money';
import type { Principal } from '@shared/application/identity/ports';
import { commandContext, commandReply, jsonResponse, valueOrThrow } from '@shared/http/commands';
import { apiErrorFrom } from '@shared/http/error-responses';
import type { GroupImplementations, RouteRequest } from '@shared/http/http-handler';
import type { RouteTable } from '@shared/contracts/routes';
import { fraudCaseWire, fraudMarkWire, transactionWire } from '@shared/http/ledger-wire';
import {
  approveHeldTransaction,
  findTransaction,
  fraudScoreOf,
  getFraudCase,
  listFraudCases,
  rejectHeldTransaction,
} from '@shared/application/fraud/review';
import {
  checkApprovalLimit,
  checkTransactionLimit,
} from '@shared/application/identity/principal-limits';

/** The transactions group's routes: every money movement. */
export function transactionRoutes(deps: Dependencies): GroupImplementations<'transactions'> {
  // 201 for a booked movement; 202 for one held for fraud review (nothing booked yet).
  const renderAt =
    (basePath: string, status = 201) =>
    (transaction: TransactionRecord) =>
      jsonResponse(
        transaction.status === 'PENDING_REVIEW' ? 202 : status,
        transactionWire(transaction),
        { Location: `${basePath}/transactions/${transaction.id}` },
      );
  const details = (body: {
    description?: string | undefined;
    reference?: string | undefined;
    channel?: string | undefined;
    valueDate?: string | undefined;
  }) => ({
    description: body.description,
    reference: body.reference,
    channel: body.channel,
    valueDate: body.valueDate,
  });
  // The caller's role limits are checked before anything is read or posted (403).
  const limitedAmount = (
    request: { readonly principal: Principal | undefined },
    body: { amount: string; currency: string },
  ): Money => {
    if (request.principal === undefined)
      throw new Error('The edge let an anonymous caller through');
    const amount = Money.of(body.amount, body.currency as CurrencyCode);
    valueOrThrow(checkTransactionLimit(request.principal, amount));
    return amount;
  };

  const singleAccount =
    (operation: 'deposit' | 'withdraw', post: typeof deposit) =>
    async (request: RouteRequest<RouteTable['deposit']>) => {
      const render = renderAt(request.basePath);
      const { body } = request;
      const outcome = await post(
        deps,
        { accountId: body.accountId, amount: limitedAmount(request, body), ...details(body) },
        commandContext(request, operation, render),
      );
      return commandReply(outcome, render);
    };

  const betweenAccounts =
    (operation: 'transfer' | 'fxTransfer', post: typeof transfer) =>
    async (request: RouteRequest<RouteTable['transfer']>) => {
      const render = renderAt(request.basePath);
      const { body } = request;
      const outcome = await post(
        deps,
        {
          fromAccountId: body.fromAccountId,
          toAccountId: body.toAccountId,
          amount: limitedAmount(request, body),
          ...details(body),
        },
        commandContext(request, operation, render),
      );
      return commandReply(outcome, render);
    };

  return {
    deposit: singleAccount('deposit', deposit),
    withdraw: singleAccount('withdraw', withdraw),
    transfer: betweenAccounts('transfer', transfer),
    fxTransfer: betweenAccounts('fxTransfer', fxTransfer),
    reverseTransaction: async (request) => {
      const render = renderAt(request.basePath);
      const outcome = await reverseTransaction(
        deps,
        { transactionId: request.params.transactionId, reason: request.body.reason },
        commandContext(request, 'reverseTransaction', render),
      );
      return commandReply(outcome, render);
    },
    approveTransaction: async (request) => {
      const render = renderAt(request.basePath);
      const { transactionId } = request.params;
      if (request.principal === undefined)
        throw new Error('The edge let an anonymous caller through');
      // The approver's limit is checked before anything is written (403).
      const held = await getFraudCase(deps, transactionId);
      if (held !== undefined) {
        valueOrThrow(
          checkApprovalLimit(
            request.principal,
            'APPROVE_TRANSACTION',
            Money.fromMinor(held.amountMinor, held.currency),
          ),
        );
      }
      const outcome = await approveHeldTransaction(
        deps,
        transactionId,
        commandContext(request, 'approveTransaction', render),
      );
      return commandReply(outcome, render);
    },
    rejectTransaction: async (request) => {
      const render = renderAt(request.basePath, 200);
      const outcome = await rejectHeldTransaction(
        deps,
        request.params.transactionId,
        request.body.reason,
        commandContext(request, 'rejectTransaction', render),
      );
      return commandReply(outcome, render);
    },
    getFraudScore: async ({ params }) => {
      const found = valueOrThrow(await fraudScoreOf(deps, params.transactionId));
      return {
        body: {
          transactionId: params.transactionId,
          ...fraudMarkWire(found.mark),
          ...(found.case === undefined ? {} : { case: fraudCaseWire(found.case) }),
        },
      };
    },
    listFraudCases: async ({ query }) => {
      const page = await listFraudCases(deps, query.status, {
        limit: query.limit,
        cursor: query.cursor,
      });
      return { body: { items: page.items.map(fraudCaseWire), nextCursor: page.nextCursor } };
    },
    getFraudStatus: async () => {
      const pending = await listFraudCases(deps, 'PENDING_REVIEW', { limit: 200 });
      return {
        body: {
          ...deps.fraud.status(),
          scope: 'container' as const,
          pendingReviews: pending.items.length,
        },
      };
    },
    getTransaction: async ({ params }) => {
      const transaction = await findTransaction(deps, params.transactionId);
      if (transaction === undefined) {
        throw apiErrorFrom({ code: 'TRANSACTION_NOT_FOUND', transactionId: params.transactionId });
      }
      return { body: transactionWire(transaction) };
    },
  };
}
