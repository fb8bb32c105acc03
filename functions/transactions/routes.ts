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
import { commandContext, commandReply, jsonResponse } from '@shared/http/commands';
import { apiErrorFrom } from '@shared/http/error-responses';
import type { GroupImplementations, RouteRequest } from '@shared/http/http-handler';
import type { RouteTable } from '@shared/contracts/routes';
import { transactionWire } from '@shared/http/ledger-wire';

/** The transactions group's routes: every money movement. */
export function transactionRoutes(deps: Dependencies): GroupImplementations<'transactions'> {
  const renderAt = (basePath: string) => (transaction: TransactionRecord) =>
    jsonResponse(201, transactionWire(transaction), {
      Location: `${basePath}/transactions/${transaction.id}`,
    });
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
  const amountOf = (body: { amount: string; currency: string }) =>
    Money.of(body.amount, body.currency as CurrencyCode);

  const singleAccount =
    (operation: 'deposit' | 'withdraw', post: typeof deposit) =>
    async (request: RouteRequest<RouteTable['deposit']>) => {
      const render = renderAt(request.basePath);
      const { body } = request;
      const outcome = await post(
        deps,
        { accountId: body.accountId, amount: amountOf(body), ...details(body) },
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
          amount: amountOf(body),
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
    getTransaction: async ({ params }) => {
      const transaction = await deps.ledger.getTransaction(params.transactionId);
      if (transaction === undefined) {
        throw apiErrorFrom({ code: 'TRANSACTION_NOT_FOUND', transactionId: params.transactionId });
      }
      return { body: transactionWire(transaction) };
    },
  };
}
