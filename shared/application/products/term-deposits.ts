import { compareDates, type BusinessDate } from '../../domain/interest/business-date';
import {
  earlyWithdrawal,
  termDepositInterest,
  termDepositMaturity,
} from '../../domain/interest/term-deposit';
import { effectiveRate } from '../../domain/interest/tiers';
import type { Account } from '../../domain/ledger/account';
import type { JournalLine, LedgerAccountRef } from '../../domain/ledger/journal-entry';
import type { DomainError } from '../../domain/errors';
import { Money } from '../../domain/money';
import { err, ok, type Result } from '../../domain/result';
import { appendToChain } from '../audit/audit-chain';
import { currentBusinessDate } from '../interest/business-date';
import type { EndOfDayStep, EodDeps } from '../interest/end-of-day';
import { buildPosting } from '../ledger/build-posting';
import type { CommandContext } from '../ledger/accounts';
import { postWith, type PostingDeps } from '../ledger/move-money';
import type { TransactionRecord, TransactionType, WriteOp } from '../ledger/records';
import type { CommandOutcome } from '../ledger/run-command';
import type { Dependencies } from '../ports';
import { eventDates } from './product-accounts';
import { definitionOf, interestRateOf } from './product-records';
import { getProductVersion } from './products';
import {
  TERM_DEPOSIT_COLLECTION,
  termDepositChainOf,
  termDepositDocument,
  termDepositOf,
  termDepositsDue,
  termsOf,
  type TermDeposit,
} from './term-deposit-records';

const ACTOR = 'system:eod';
const INTEREST_EXPENSE = '5000';
const FEE_INCOME = '4100';
/** Where a payout goes when its account is gone or closed: found and moved by operations. */
const SUSPENSE = '2900';

export async function getTermDeposit(
  deps: Pick<Dependencies, 'ledger'>,
  accountId: string,
): Promise<TermDeposit | undefined> {
  const document = await deps.ledger.getDocument(TERM_DEPOSIT_COLLECTION, accountId);
  return document === undefined ? undefined : termDepositOf(document);
}

const gl = (
  code: typeof INTEREST_EXPENSE | typeof FEE_INCOME | typeof SUSPENSE,
): LedgerAccountRef => ({
  kind: 'gl',
  code,
});
const customer = (accountId: string): LedgerAccountRef => ({ kind: 'customer', accountId });

function line(account: LedgerAccountRef, side: 'DEBIT' | 'CREDIT', amount: Money): JournalLine {
  return { account, side, currency: amount.currency, amountMinor: amount.toMinor() };
}

/** The deposit after a change, with its audit record on the deposit's own chain. */
function changed(
  deposit: TermDeposit,
  patch: Partial<TermDeposit>,
  action: string,
  data: Record<string, string>,
  actor: string,
  now: string,
): { after: TermDeposit; ops: WriteOp[] } {
  const audited = appendToChain(deposit.audit, {
    chainId: termDepositChainOf(deposit.accountId),
    at: now,
    entityType: 'TERM_DEPOSIT',
    entityId: deposit.accountId,
    action,
    actor,
    data,
  });
  const after: TermDeposit = {
    ...deposit,
    ...patch,
    version: deposit.version + 1,
    audit: audited.head,
    updatedAt: now,
  };
  return {
    after,
    ops: [
      {
        kind: 'putDocument',
        document: termDepositDocument(after),
        expectedVersion: deposit.version,
      },
      { kind: 'appendAudit', record: audited.record },
    ],
  };
}

/**
 * What the end of day does to one deposit on `date`: pays a PERIODIC period's interest to the
 * linked account, or at maturity pays out (principal + unpaid interest, the account closed) or
 * rolls over (a new term from the maturity date on the same product version, the interest added
 * to the principal or paid to the linked account). Interest is expensed when paid (debit 5000).
 * Undefined when nothing falls on `date` (already done, or not yet).
 */
export async function planTermDepositEvent(
  deps: Pick<Dependencies, 'ledger' | 'clock' | 'ids'>,
  deposit: TermDeposit,
  date: BusinessDate,
): Promise<{ ops: WriteOp[]; kind: string } | undefined> {
  if (deposit.status !== 'ACTIVE' || deposit.nextEventDate !== date) return undefined;
  const ids = [deposit.accountId, deposit.instruction.accountId];
  const { accounts } = await deps.ledger.loadAccounts(ids);
  const account = accounts.get(deposit.accountId);
  if (account === undefined) throw new Error(`Term deposit ${deposit.accountId} has no account`);
  const linked = accounts.get(deposit.instruction.accountId);
  const payTo =
    linked !== undefined && linked.status !== 'CLOSED' ? customer(linked.id) : gl(SUSPENSE);
  const now = deps.clock.now().toISOString();
  const terms = termsOf(deposit);
  const schedule = termDepositInterest(terms);
  const atMaturity = compareDates(date, deposit.maturityDate) >= 0;
  const postingAccounts = new Map<string, Account>();
  if (linked !== undefined) postingAccounts.set(linked.id, linked);
  const post = (type: TransactionType, lines: JournalLine[], amount: Money, description: string) =>
    buildPosting(deps, {
      type,
      lines,
      accounts: postingAccounts,
      amountMinor: amount.toMinor(),
      currency: amount.currency,
      fromAccountId: deposit.accountId,
      ...(payTo.kind === 'customer' ? { toAccountId: payTo.accountId } : {}),
      description,
      valueDate: date,
      actor: ACTOR,
    }).ops;
  if (!atMaturity) {
    const period = schedule.periods[deposit.periodsPaid];
    if (period === undefined) throw new Error(`Term deposit ${deposit.accountId}: no period left`);
    const next = schedule.periods[deposit.periodsPaid + 1]?.end;
    const { ops } = changed(
      deposit,
      { periodsPaid: deposit.periodsPaid + 1, nextEventDate: next },
      'TERM_DEPOSIT_INTEREST_PAID',
      { date, interest: period.interest.toString(), currency: period.interest.currency },
      ACTOR,
      now,
    );
    if (period.interest.isPositive()) {
      ops.push(
        ...post(
          'TERM_DEPOSIT_INTEREST',
          [
            line(gl(INTEREST_EXPENSE), 'DEBIT', period.interest),
            line(payTo, 'CREDIT', period.interest),
          ],
          period.interest,
          `Term deposit interest to ${date}`,
        ),
      );
    }
    return { ops, kind: 'INTEREST_PAID' };
  }
  const unpaid =
    deposit.payout === 'AT_MATURITY'
      ? schedule.interest
      : (schedule.periods.at(-1)?.interest ?? Money.zero(deposit.principal.currency));
  const { instruction } = deposit;
  if (instruction.type === 'PAYOUT') {
    const total = deposit.principal.plus(unpaid);
    // The deposit's account is debited to zero and closed in the same write.
    postingAccounts.set(account.id, { ...account, status: 'CLOSED' });
    const lines = [
      line(customer(account.id), 'DEBIT', deposit.principal),
      ...(unpaid.isPositive() ? [line(gl(INTEREST_EXPENSE), 'DEBIT', unpaid)] : []),
      line(payTo, 'CREDIT', total),
    ];
    const { ops } = changed(
      deposit,
      { status: 'MATURED', nextEventDate: undefined },
      'TERM_DEPOSIT_MATURED',
      {
        date,
        principal: deposit.principal.toString(),
        interest: unpaid.toString(),
        currency: unpaid.currency,
        paidTo: payTo.kind === 'customer' ? payTo.accountId : SUSPENSE,
      },
      ACTOR,
      now,
    );
    ops.push(...post('TERM_DEPOSIT_MATURITY', lines, total, `Term deposit matured ${date}`));
    return { ops, kind: 'MATURED' };
  }
  // Rollover: a new term on the same product version, at the rate its new principal reaches.
  const principal = instruction.includeInterest
    ? deposit.principal.plus(unpaid)
    : deposit.principal;
  const version = await getProductVersion(deps, deposit.productId, deposit.productVersion);
  const rate = version === undefined ? undefined : interestRateOf(definitionOf(version.definition));
  const renewed: TermDeposit = {
    ...deposit,
    principal,
    rate:
      rate === undefined
        ? deposit.rate
        : effectiveRate(principal, rate).toDecimalPlaces(10).toString(),
    startDate: date,
    maturityDate: termDepositMaturity(date, deposit.termMonths),
    periodsPaid: 0,
    term: deposit.term + 1,
  };
  const { ops } = changed(
    deposit,
    {
      principal: renewed.principal,
      rate: renewed.rate,
      startDate: renewed.startDate,
      maturityDate: renewed.maturityDate,
      periodsPaid: 0,
      term: renewed.term,
      nextEventDate: eventDates(termsOf(renewed))[0],
    },
    'TERM_DEPOSIT_ROLLED_OVER',
    {
      date,
      interest: unpaid.toString(),
      currency: unpaid.currency,
      principal: principal.toString(),
      maturityDate: renewed.maturityDate,
    },
    ACTOR,
    now,
  );
  if (unpaid.isPositive()) {
    if (instruction.includeInterest) postingAccounts.set(account.id, account);
    const creditTo = instruction.includeInterest ? customer(account.id) : payTo;
    ops.push(
      ...post(
        'TERM_DEPOSIT_INTEREST',
        [line(gl(INTEREST_EXPENSE), 'DEBIT', unpaid), line(creditTo, 'CREDIT', unpaid)],
        unpaid,
        `Term deposit interest at rollover ${date}`,
      ),
    );
  }
  return { ops, kind: 'ROLLED_OVER' };
}

/** Handles one deposit's event on `date`, re-reading and retrying on conflicts. */
async function runOne(deps: EodDeps, accountId: string, date: BusinessDate): Promise<void> {
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt += 1) {
    const deposit = await getTermDeposit(deps, accountId);
    if (deposit === undefined) return;
    const plan = await planTermDepositEvent(deps, deposit, date);
    if (plan === undefined) return;
    const result = await deps.ledger.commit(plan.ops);
    if (result.committed) return;
    await deps.retry.sleep(Math.min(deps.retry.maxDelayMs, deps.retry.baseDelayMs * attempt));
  }
  throw new Error(`Term deposit ${accountId} kept conflicting`);
}

/**
 * End-of-day step `term-deposits`: the deposits of the segment with an event on the date (a sparse
 * GSI1 partition per date and segment, so the step reads only what is due), each in its own
 * transaction. Idempotent: a deposit whose event is done no longer sits in that date's partition,
 * and its version guards a concurrent run.
 */
export const termDepositStep: EndOfDayStep = {
  name: 'term-deposits',
  run: async (deps, date, segment, afterAccountId, progress) => {
    let accounts = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await deps.ledger.listDocuments(termDepositsDue(date, segment), {
        limit: 50,
        cursor,
      });
      for (const document of page.items) {
        if (afterAccountId !== undefined && document.id <= afterAccountId) continue;
        await runOne(deps, document.id, date);
        accounts += 1;
        await progress(document.id, accounts);
      }
      cursor = page.nextCursor ?? undefined;
      if (cursor === undefined) return { accounts };
    }
  },
};

export interface BrokenDeposit {
  readonly deposit: TermDeposit;
  readonly transaction: TransactionRecord;
  readonly earned: Money;
  readonly alreadyPaid: Money;
  readonly penalty: Money;
  readonly payout: Money;
}

/**
 * POST /accounts/{id}/break: the deposit is withdrawn before maturity on the business date with
 * the product's early-withdrawal penalty (shared/domain/interest/term-deposit.ts). One posting:
 * the deposit's account is debited to zero and closed, the payout credited to `toAccountId` (the
 * maturity instruction's account by default), the net interest expensed (5000) or, when the
 * penalty exceeds the unpaid interest, the excess booked as fee income (4100).
 */
export async function breakTermDeposit(
  deps: PostingDeps & Pick<Dependencies, 'interest'>,
  accountId: string,
  toAccountId: string | undefined,
  context: CommandContext<BrokenDeposit>,
): Promise<Result<CommandOutcome<BrokenDeposit>, DomainError>> {
  const found = await getTermDeposit(deps, accountId);
  if (found === undefined) {
    return err({ code: 'NOT_FOUND', entity: 'term deposit', id: accountId });
  }
  const target = toAccountId ?? found.instruction.accountId;
  const date = (await currentBusinessDate(deps)).date;
  return postWith(deps, [accountId, target], context, async (accounts) => {
    const deposit = await getTermDeposit(deps, accountId);
    const account = accounts.get(accountId);
    const to = accounts.get(target);
    if (deposit === undefined || account === undefined) {
      return err({ code: 'ACCOUNT_NOT_FOUND', accountId });
    }
    if (to === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', accountId: target });
    if (deposit.status !== 'ACTIVE') {
      return err({ code: 'TERM_DEPOSIT_NOT_ACTIVE', accountId, status: deposit.status });
    }
    if (compareDates(date, deposit.maturityDate) >= 0) {
      return err({ code: 'TERM_DEPOSIT_NOT_ACTIVE', accountId, status: 'MATURING' });
    }
    // A term rolled over ahead of the business date (a catch-up run) has not started yet.
    if (compareDates(date, deposit.startDate) < 0) {
      return err({ code: 'TERM_DEPOSIT_NOT_ACTIVE', accountId, status: 'NOT_STARTED' });
    }
    if (
      to.customerId !== deposit.customerId ||
      to.currency !== account.currency ||
      to.productType === 'LOAN' ||
      to.productType === 'TERM_DEPOSIT'
    ) {
      return err({
        code: 'PRODUCT_NOT_ELIGIBLE',
        productId: deposit.productId,
        reasons: ['LINKED_ACCOUNT_INVALID'],
      });
    }
    const result = earlyWithdrawal(termsOf(deposit), date, deposit.penalty);
    const principal = Money.fromMinor(account.balanceMinor, account.currency);
    const net = result.payout.minus(deposit.principal);
    const payout = principal.plus(net);
    const lines: JournalLine[] = [
      line(customer(account.id), 'DEBIT', principal),
      ...(net.isPositive() ? [line(gl(INTEREST_EXPENSE), 'DEBIT', net)] : []),
      ...(net.isNegative() ? [line(gl(FEE_INCOME), 'CREDIT', net.negated())] : []),
      ...(payout.isPositive() ? [line(customer(to.id), 'CREDIT', payout)] : []),
    ];
    const now = deps.clock.now().toISOString();
    const { after, ops } = changed(
      deposit,
      { status: 'BROKEN', nextEventDate: undefined },
      'TERM_DEPOSIT_BROKEN',
      {
        date,
        earned: result.earned.toString(),
        alreadyPaid: result.alreadyPaid.toString(),
        penalty: result.penalty.toString(),
        payout: payout.toString(),
        currency: payout.currency,
        paidTo: to.id,
      },
      context.actor,
      now,
    );
    return ok({
      request: {
        type: 'TERM_DEPOSIT_BREAK',
        lines,
        // Debited to zero and closed in the same write.
        accounts: new Map([
          [account.id, { ...account, status: 'CLOSED' as const }],
          [to.id, to],
        ]),
        amountMinor: payout.toMinor(),
        currency: payout.currency,
        fromAccountId: account.id,
        toAccountId: to.id,
        description: `Term deposit broken ${date}`,
        valueDate: date,
        actor: context.actor,
      },
      extraOps: () => ops,
      value: (transaction) => ({
        deposit: after,
        transaction,
        earned: result.earned,
        alreadyPaid: result.alreadyPaid,
        penalty: result.penalty,
        payout,
      }),
    });
  });
}
