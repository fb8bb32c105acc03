import type { Account } from '../../domain/ledger/account';
import {
  decideDeposit,
  decideFxTransfer,
  decideTransfer,
  decideWithdrawal,
  FX_ROUNDING,
} from '../../domain/ledger/posting-rules';
import type { JournalLine } from '../../domain/ledger/journal-entry';
import type { DomainError } from '../../domain/errors';
import { Money } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import { withHoldChange, type CommandContext } from '../ledger/accounts';
import type { PostingRequest } from '../ledger/build-posting';
import type { Page, PageRequest } from '../ledger/ledger-store';
import { counterpartyOf, postWith, type PostingDeps } from '../ledger/move-money';
import type { FraudMark, Hold, TransactionRecord, WriteOp } from '../ledger/records';
import { runCommand, storedReplay, type CommandOutcome } from '../ledger/run-command';
import type { Dependencies } from '../ports';
import { checkProductBalanceLimits, withPostingFees } from '../products/posting-fees';
import {
  FRAUD_COLLECTION,
  fraudCaseOf,
  fraudCasesWith,
  resolveCaseOps,
  transactionOfCase,
  type FraudCase,
  type FraudDecisionStatus,
} from './review-records';

type Deps = PostingDeps;
type Outcome = Promise<Result<CommandOutcome<TransactionRecord>, DomainError>>;

export async function getFraudCase(
  deps: Pick<Dependencies, 'ledger'>,
  transactionId: string,
): Promise<FraudCase | undefined> {
  const document = await deps.ledger.getDocument(FRAUD_COLLECTION, transactionId);
  return document === undefined ? undefined : fraudCaseOf(document);
}

export async function listFraudCases(
  deps: Pick<Dependencies, 'ledger'>,
  status: FraudDecisionStatus,
  page: PageRequest,
): Promise<Page<FraudCase>> {
  const found = await deps.ledger.listDocuments(fraudCasesWith(status), page);
  return { items: found.items.map(fraudCaseOf), nextCursor: found.nextCursor };
}

/**
 * A transaction as the API shows it: the booked one, or else a movement in (or rejected after)
 * fraud review, which has nothing booked.
 */
export async function findTransaction(
  deps: Pick<Dependencies, 'ledger'>,
  transactionId: string,
): Promise<TransactionRecord | undefined> {
  const booked = await deps.ledger.getTransaction(transactionId);
  if (booked !== undefined) return booked;
  const fraudCase = await getFraudCase(deps, transactionId);
  return fraudCase === undefined ||
    (fraudCase.status !== 'PENDING_REVIEW' && fraudCase.status !== 'REJECTED')
    ? undefined
    : transactionOfCase(fraudCase);
}

/** The fraud decision stored for a transaction id: on the booked transaction, or its case. */
export async function fraudScoreOf(
  deps: Pick<Dependencies, 'ledger'>,
  transactionId: string,
): Promise<
  Result<{ readonly mark: FraudMark; readonly case: FraudCase | undefined }, DomainError>
> {
  const [booked, fraudCase] = await Promise.all([
    deps.ledger.getTransaction(transactionId),
    getFraudCase(deps, transactionId),
  ]);
  const mark = fraudCase?.decision ?? booked?.fraud;
  if (mark !== undefined) return ok({ mark, case: fraudCase });
  return booked === undefined
    ? err({ code: 'TRANSACTION_NOT_FOUND', transactionId })
    : err({ code: 'NOT_FOUND', entity: 'fraud score', id: transactionId });
}

/** No case under this id: a booked transaction was never held, anything else is unknown. */
async function noCase(
  deps: Pick<Dependencies, 'ledger'>,
  transactionId: string,
): Promise<DomainError> {
  const booked = await deps.ledger.getTransaction(transactionId);
  return booked === undefined
    ? { code: 'TRANSACTION_NOT_FOUND', transactionId }
    : { code: 'TRANSACTION_NOT_IN_REVIEW', transactionId, status: booked.status };
}

const notInReview = (fraudCase: FraudCase): DomainError => ({
  code: 'TRANSACTION_NOT_IN_REVIEW',
  transactionId: fraudCase.transactionId,
  status: fraudCase.status,
});

/**
 * A reviewer approves a movement held for review: it is decided again on the accounts as they
 * are now (status, funds counting the held amount, KYC limits, today's FX rate) and booked under
 * its own id, with the hold released and the case APPROVED in the same transaction; it is not
 * scored again. A refusal (e.g. the account was frozen meanwhile) leaves it in review.
 */
export async function approveHeldTransaction(
  deps: Deps,
  transactionId: string,
  context: CommandContext<TransactionRecord>,
): Outcome {
  const first = await getFraudCase(deps, transactionId);
  if (first === undefined) return err(await noCase(deps, transactionId));
  const accountIds = [first.fromAccountId, first.toAccountId].filter(
    (id): id is string => id !== undefined,
  );
  return postWith(deps, accountIds, context, async (accounts) => {
    // Read on every attempt: another reviewer may have decided meanwhile.
    const fraudCase = await getFraudCase(deps, transactionId);
    if (fraudCase === undefined) return err({ code: 'TRANSACTION_NOT_FOUND', transactionId });
    if (fraudCase.status !== 'PENDING_REVIEW') return err(notInReview(fraudCase));
    const hold =
      fraudCase.hold === undefined
        ? undefined
        : await deps.ledger.getHold(fraudCase.hold.accountId, fraudCase.hold.id);
    // A hold released by hand meanwhile no longer sets funds aside: the debit needs its own.
    const captured = hold?.status === 'ACTIVE' ? hold : undefined;
    const available = withoutHold(accounts, captured);
    const decided = await decideAgain(deps, fraudCase, available);
    if (!decided.ok) return decided;
    // The product fees and balance limits, as the original command would apply them now.
    const payer = available.get(
      (fraudCase.type === 'DEPOSIT' ? fraudCase.toAccountId : fraudCase.fromAccountId) ?? '',
    );
    const charged =
      payer === undefined
        ? ok({ lines: decided.value.lines, fee: undefined })
        : await withPostingFees(
            deps,
            decided.value.lines,
            payer,
            fraudCase.type === 'FX_TRANSFER' ? 'TRANSFER' : fraudCase.type,
            Money.fromMinor(fraudCase.amountMinor, fraudCase.currency),
          );
    if (!charged.ok) return charged;
    const limits = await checkProductBalanceLimits(deps, charged.value.lines, available);
    if (!limits.ok) return limits;
    const now = deps.clock.now().toISOString();
    const request: PostingRequest = {
      type: fraudCase.type,
      lines: charged.value.lines,
      fee: charged.value.fee,
      accounts,
      amountMinor: fraudCase.amountMinor,
      currency: fraudCase.currency,
      fromAccountId: fraudCase.fromAccountId,
      toAccountId: fraudCase.toAccountId,
      description: fraudCase.description,
      reference: fraudCase.reference,
      channel: fraudCase.channel,
      valueDate: fraudCase.valueDate,
      fx: decided.value.fx,
      transactionId: fraudCase.transactionId,
      fraud: fraudCase.decision,
      actor: context.actor,
      capturedHold: captured,
    };
    return ok({
      request,
      screened: true as const,
      extraOps: (transaction: TransactionRecord): readonly WriteOp[] =>
        resolveCaseOps(deps, fraudCase, {
          status: 'APPROVED',
          actor: context.actor,
          at: now,
          journalEntryId: transaction.journalEntryId,
        }),
      value: (transaction: TransactionRecord) => transaction,
    });
  });
}

/**
 * A reviewer rejects a movement held for review: nothing is booked, the hold is released (the
 * account's available balance restored) and the case REJECTED, in one transaction.
 */
export async function rejectHeldTransaction(
  deps: Deps,
  transactionId: string,
  reason: string,
  context: CommandContext<TransactionRecord>,
): Outcome {
  const first = await getFraudCase(deps, transactionId);
  if (first === undefined) return err(await noCase(deps, transactionId));
  const lockKeys = first.hold === undefined ? [] : [first.hold.accountId];
  return runCommand(deps, { ...context, lockKeys, queueOnAccounts: true }, async () => {
    const replay = await storedReplay(deps, context.idempotency);
    if (replay !== undefined) return replay;
    const fraudCase = await getFraudCase(deps, transactionId);
    if (fraudCase === undefined) return err({ code: 'TRANSACTION_NOT_FOUND', transactionId });
    if (fraudCase.status !== 'PENDING_REVIEW') return err(notInReview(fraudCase));
    const now = deps.clock.now().toISOString();
    const release: WriteOp[] = [];
    if (fraudCase.hold !== undefined) {
      const { accountId, id } = fraudCase.hold;
      const [hold, loaded] = await Promise.all([
        deps.ledger.getHold(accountId, id),
        deps.ledger.loadAccounts([accountId]),
      ]);
      const account = loaded.accounts.get(accountId);
      if (account === undefined) throw new Error(`Account ${accountId} of a hold is missing`);
      if (hold?.status === 'ACTIVE') {
        const { audited, after } = withHoldChange(
          account,
          hold,
          -hold.amountMinor,
          'HOLD_RELEASED',
          context.actor,
          now,
        );
        release.push(
          {
            kind: 'updateAccount',
            before: account,
            after,
            allowedStatuses: ['ACTIVE', 'FROZEN', 'CLOSED'],
          },
          {
            kind: 'updateHold',
            before: hold,
            after: { ...hold, status: 'RELEASED', releasedAt: now },
          },
          { kind: 'appendAudit', record: audited.record },
        );
      }
    }
    const ops = resolveCaseOps(deps, fraudCase, {
      status: 'REJECTED',
      actor: context.actor,
      at: now,
      reason,
    });
    return ok({
      ops: [...release, ...ops],
      value: transactionOfCase({ ...fraudCase, status: 'REJECTED' }),
    });
  });
}

/** The accounts as the decision sees them: the captured hold's funds available again. */
function withoutHold(
  accounts: ReadonlyMap<string, Account>,
  hold: Hold | undefined,
): ReadonlyMap<string, Account> {
  if (hold === undefined) return accounts;
  const account = accounts.get(hold.accountId);
  if (account === undefined) return accounts;
  return new Map(accounts).set(hold.accountId, {
    ...account,
    holdsMinor: account.holdsMinor - hold.amountMinor,
  });
}

/** The movement's lines decided again, as its original command would decide them now. */
async function decideAgain(
  deps: Pick<Dependencies, 'ledger'>,
  fraudCase: FraudCase,
  accounts: ReadonlyMap<string, Account>,
): Promise<
  Result<{ readonly lines: readonly JournalLine[]; readonly fx: PostingRequest['fx'] }, DomainError>
> {
  const amount = Money.fromMinor(fraudCase.amountMinor, fraudCase.currency);
  const account = (id: string | undefined): Result<Account, DomainError> => {
    const found = id === undefined ? undefined : accounts.get(id);
    return found === undefined
      ? err({ code: 'ACCOUNT_NOT_FOUND', accountId: id ?? '' })
      : ok(found);
  };
  const linesOnly = (lines: Result<JournalLine[], DomainError>) =>
    lines.ok ? ok({ lines: lines.value, fx: undefined }) : lines;
  const from = account(fraudCase.fromAccountId);
  const to = account(fraudCase.toAccountId);
  switch (fraudCase.type) {
    case 'DEPOSIT':
      return to.ok
        ? linesOnly(decideDeposit(to.value, amount, counterpartyOf(fraudCase.channel)))
        : to;
    case 'WITHDRAWAL':
      return from.ok
        ? linesOnly(decideWithdrawal(from.value, amount, counterpartyOf(fraudCase.channel)))
        : from;
    case 'TRANSFER':
      if (!from.ok) return from;
      if (!to.ok) return to;
      return linesOnly(decideTransfer(from.value, to.value, amount));
    case 'FX_TRANSFER': {
      if (!from.ok) return from;
      if (!to.ok) return to;
      const rate = await deps.ledger.getFxRate(from.value.currency, to.value.currency);
      if (rate === undefined) {
        return err({
          code: 'FX_RATE_NOT_FOUND',
          base: from.value.currency,
          quote: to.value.currency,
        });
      }
      const decided = decideFxTransfer(from.value, to.value, amount, rate);
      if (!decided.ok) return decided;
      return ok({
        lines: decided.value.lines,
        fx: {
          base: rate.base,
          quote: rate.quote,
          rate: rate.rate,
          convertedMinor: decided.value.converted.toMinor(),
          convertedCurrency: to.value.currency,
          rounding: FX_ROUNDING,
        },
      });
    }
  }
}
