import {
  changeAccountStatus,
  expireHolds,
  openAccount,
  placeHold,
  releaseHold,
  type StatusAction,
} from '@shared/application/ledger/accounts';
import type { Hold } from '@shared/application/ledger/records';
import { openProductAccount } from '@shared/application/products/product-accounts';
import { defaultProductId } from '@shared/application/products/products';
import type { Dependencies } from '@shared/application/ports';
import type { Account } from '@shared/domain/ledger/account';
import { Money } from '@shared/domain/money';
import { commandContext, commandReply, jsonResponse } from '@shared/http/commands';
import { ApiError, apiErrorFrom } from '@shared/http/error-responses';
import type { GroupImplementations, RouteRequest } from '@shared/http/http-handler';
import { accountLineWire, accountWire, holdWire, transactionWire } from '@shared/http/ledger-wire';
import { maturityAmount } from '@shared/domain/interest/term-deposit';
import {
  breakTermDeposit,
  getTermDeposit,
  type BrokenDeposit,
} from '@shared/application/products/term-deposits';
import { termsOf, type TermDeposit } from '@shared/application/products/term-deposit-records';
import type { RouteTable } from '@shared/contracts/routes';

/** The wire form of a term deposit's contract. */
export function termDepositWire(deposit: TermDeposit) {
  return {
    accountId: deposit.accountId,
    productId: deposit.productId,
    productVersion: deposit.productVersion,
    status: deposit.status,
    principal: deposit.principal.toJSON(),
    rate: deposit.rate,
    dayCount: deposit.dayCount,
    compounding: deposit.compounding,
    interestPayout: deposit.payout,
    termMonths: deposit.termMonths,
    startDate: deposit.startDate,
    maturityDate: deposit.maturityDate,
    term: deposit.term,
    ...(deposit.nextEventDate === undefined ? {} : { nextEventDate: deposit.nextEventDate }),
    maturityInstruction: { ...deposit.instruction },
    maturityAmount: maturityAmount(termsOf(deposit)).amount.toJSON(),
  };
}

/** The accounts group's routes. */
export function accountRoutes(deps: Dependencies): GroupImplementations<'accounts'> {
  const existing = async (accountId: string): Promise<Account> => {
    const account = (await deps.ledger.loadAccounts([accountId])).accounts.get(accountId);
    if (account === undefined) throw apiErrorFrom({ code: 'ACCOUNT_NOT_FOUND', accountId });
    return account;
  };

  const statusChange =
    (action: StatusAction) => async (request: RouteRequest<RouteTable['freezeAccount']>) => {
      const render = (account: Account) => jsonResponse(200, accountWire(account));
      const outcome = await changeAccountStatus(
        deps,
        request.params.accountId,
        action,
        request.body?.reason,
        commandContext(request, `${action}Account`, render),
      );
      return commandReply(outcome, render);
    };

  return {
    openAccount: async (request) => {
      const { body } = request;
      const currency = body.currency;
      const render = (account: Account) =>
        jsonResponse(201, accountWire(account), {
          Location: `${request.basePath}/accounts/${account.id}`,
        });
      const context = commandContext(request, 'openAccount', render);
      const interest =
        body.interestRate === undefined
          ? undefined
          : {
              rate: body.interestRate,
              dayCount: body.dayCount ?? 'ACTUAL_365',
              postingFrequency: 'MONTHLY' as const,
            };
      const overdraftLimit =
        body.overdraftLimit === undefined ? undefined : Money.of(body.overdraftLimit, currency);
      const productType = body.productType ?? 'SAVINGS';
      const productId =
        body.productId ??
        (productType === 'TERM_DEPOSIT' ? undefined : await defaultProductId(deps, productType));
      if (productId === undefined || productType === 'TERM_DEPOSIT') {
        // A system seeded before products existed has no default product: the plain account.
        const outcome = await openAccount(
          deps,
          {
            customerId: body.customerId,
            productType: productType === 'TERM_DEPOSIT' ? 'SAVINGS' : productType,
            currency,
            name: body.name,
            overdraftLimit,
            interest,
          },
          context,
        );
        return commandReply(outcome, render);
      }
      const outcome = await openProductAccount(
        deps,
        {
          customerId: body.customerId,
          productId,
          viaShortcut: body.productId === undefined,
          ...(body.productId !== undefined && body.productType !== undefined
            ? { expectedType: body.productType }
            : {}),
          currency,
          name: body.name,
          overdraftLimit,
          interestOverride: interest,
          funding:
            body.amount === undefined || body.fundingAccountId === undefined
              ? undefined
              : { amount: Money.of(body.amount, currency), fromAccountId: body.fundingAccountId },
          termMonths: body.termMonths,
          maturity: body.maturityInstruction,
        },
        context,
      );
      return commandReply(outcome, render);
    },
    getAccount: async ({ params }) => {
      let account = await existing(params.accountId);
      // Holds past their expiry stop counting as soon as anyone looks (lazy expiry).
      if (account.holdsMinor > 0n && (await expireHolds(deps, account.id, 'system')) > 0) {
        account = await existing(params.accountId);
      }
      return { body: accountWire(account) };
    },
    listAccountTransactions: async ({ params, query }) => {
      await existing(params.accountId);
      const page = await deps.ledger.listAccountLines(params.accountId, query);
      return { body: { items: page.items.map(accountLineWire), nextCursor: page.nextCursor } };
    },
    placeHold: async (request) => {
      const { body, params } = request;
      if (body.expiresAt !== undefined && body.expiresAt <= deps.clock.now().toISOString()) {
        throw new ApiError('VALIDATION_FAILED', 'expiresAt must be in the future', {
          errors: [{ path: 'expiresAt', message: 'Must be in the future' }],
        });
      }
      const render = (hold: Hold) => jsonResponse(201, holdWire(hold));
      const outcome = await placeHold(
        deps,
        {
          accountId: params.accountId,
          amount: Money.of(body.amount, body.currency),
          reason: body.reason,
          expiresAt:
            body.expiresAt === undefined ? undefined : new Date(body.expiresAt).toISOString(),
        },
        commandContext(request, 'placeHold', render),
      );
      return commandReply(outcome, render);
    },
    listHolds: async ({ params }) => {
      await existing(params.accountId);
      const holds = await deps.ledger.listHolds(params.accountId);
      return { body: { items: holds.map(holdWire) } };
    },
    releaseHold: async (request) => {
      const render = (hold: Hold) => jsonResponse(200, holdWire(hold));
      const outcome = await releaseHold(
        deps,
        request.params.accountId,
        request.params.holdId,
        'RELEASED',
        commandContext(request, 'releaseHold', render),
      );
      return commandReply(outcome, render);
    },
    getTermDeposit: async ({ params }) => {
      const deposit = await getTermDeposit(deps, params.accountId);
      if (deposit === undefined) {
        throw apiErrorFrom({ code: 'NOT_FOUND', entity: 'term deposit', id: params.accountId });
      }
      return { body: termDepositWire(deposit) };
    },
    breakTermDeposit: async (request) => {
      const render = (broken: BrokenDeposit) =>
        jsonResponse(201, {
          termDeposit: termDepositWire(broken.deposit),
          transaction: transactionWire(broken.transaction),
          earned: broken.earned.toJSON(),
          alreadyPaid: broken.alreadyPaid.toJSON(),
          penalty: broken.penalty.toJSON(),
          payout: broken.payout.toJSON(),
        });
      const outcome = await breakTermDeposit(
        deps,
        request.params.accountId,
        request.body?.toAccountId,
        commandContext(request, 'breakTermDeposit', render),
      );
      return commandReply(outcome, render);
    },
    freezeAccount: statusChange('freeze'),
    unfreezeAccount: statusChange('unfreeze'),
    closeAccount: statusChange('close'),
  };
}
