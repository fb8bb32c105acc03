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
import { commandReply, idempotencyOf, jsonResponse } from '@shared/http/commands';
import { apiErrorFrom } from '@shared/http/error-responses';
import type { GroupImplementations } from '@shared/http/http-handler';
import { transactionWire } from '@shared/http/ledger-wire';
import { ACTOR } from '../actor';

/** The transactions group's routes: every money movement. */
export function transactionRoutes(deps: Dependencies): GroupImplementations<'transactions'> {
  const renderAt = (basePath: string) => (transaction: TransactionRecord) =>
    jsonResponse(201, transactionWire(transaction), {
      Location: `${basePath}/transactions/${transaction.id}`,
    });
  const details = (body: { description?: string | undefined; reference?: string | undefined; channel?: string | undefined; valueDate?: string | undefined }) => ({
    description: body.description,
    reference: body.reference,
    channel: body.channel,
    valueDate: body.valueDate,
  });
  const amountOf = (body: { amount: string; currency: string }) => Money.of(body.amount, body.currency as CurrencyCode);

  return {
    deposit: async (request) => {
      const render = renderAt(request.basePath);
      const context = { actor: ACTOR, idempotency: idempotencyOf(request, 'deposit'), render };
      const outcome = await deposit(
        deps,
        { accountId: request.body.accountId, amount: amountOf(request.body), ...details(request.body) },
        context,
      );
      return commandReply(outcome, render);
    },
    withdraw: async (request) => {
      const render = renderAt(request.basePath);
      const context = { actor: ACTOR, idempotency: idempotencyOf(request, 'withdraw'), render };
      const outcome = await withdraw(
        deps,
        { accountId: request.body.accountId, amount: amountOf(request.body), ...details(request.body) },
        context,
      );
      return commandReply(outcome, render);
    },
    transfer: async (request) => {
      const render = renderAt(request.basePath);
      const { body } = request;
      const outcome = await transfer(
        deps,
        { fromAccountId: body.fromAccountId, toAccountId: body.toAccountId, amount: amountOf(body), ...details(body) },
        { actor: ACTOR, idempotency: idempotencyOf(request, 'transfer'), render },
      );
      return commandReply(outcome, render);
    },
    fxTransfer: async (request) => {
      const render = renderAt(request.basePath);
      const { body } = request;
      const outcome = await fxTransfer(
        deps,
        { fromAccountId: body.fromAccountId, toAccountId: body.toAccountId, amount: amountOf(body), ...details(body) },
        { actor: ACTOR, idempotency: idempotencyOf(request, 'fxTransfer'), render },
      );
      return commandReply(outcome, render);
    },
    reverseTransaction: async (request) => {
      const render = renderAt(request.basePath);
      const outcome = await reverseTransaction(
        deps,
        { transactionId: request.params.transactionId, reason: request.body.reason },
        { actor: ACTOR, idempotency: idempotencyOf(request, 'reverseTransaction'), render },
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
