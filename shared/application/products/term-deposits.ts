import { compareDates, type BusinessDate } from '../../domain/interest/business-date';
import {
  earlyWithdrawal,
  termDepositAccrued,
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
import { accrualGlOps } from '../interest/deposit-interest';
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
  activeTermDeposits,
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
const INTEREST_PAYABLE = '2100';
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
  code: typeof INTEREST_EXPENSE | typeof INTEREST_PAYABLE | typeof FEE_INCOME | typeof SUSPENSE,
): LedgerAccountRef => ({
  kind: 'gl',
  code,
});
const customer = (accountId: string): LedgerAccountRef => ({ kind: 'customer', accountId });

function line(account: LedgerAccountRef, side: 'DEBIT' | 'CREDIT', amount: Money): JournalLine {
  return { account, side, currency: amount.currency, amountMinor: amount.toMinor() };
}

/**
 * The debit side of paying (or capitalising) `interest`: from 2100 Interest payable as far as it
 * was accrued, the rest (a deposit that never went through an end of day) expensed to 5000;
 * `left` is what stays accrued.
 */
function interestDebits(accrued: Money, interest: Money): { lines: JournalLine[]; left: Money } {
  const fromPayable = accrued.compare(interest) < 0 ? accrued : interest;
  const expensed = interest.minus(fromPayable);
  return {
    lines: [
      ...(fromPayable.isPositive() ? [line(gl(INTEREST_PAYABLE), 'DEBIT', fromPayable)] : []),
      ...(expensed.isPositive() ? [line(gl(INTEREST_EXPENSE), 'DEBIT', expensed)] : []),
    ],
    left: accrued.minus(fromPayable),
  };
}

/**
 * The day's accrual of a deposit: the payable brought to what the contract owes at the end of
 * `date` (termDepositAccrued), `delta` the change to book (debit 5000, credit 2100). A date
 * already accrued, or one before the term starts (a rollover ahead of the date), changes nothing.
 */
export function accrueTermDeposit(
  deposit: TermDeposit,
  date: BusinessDate,
): { deposit: TermDeposit; delta: Money } {
  const zero = Money.zero(deposit.principal.currency);
  if (deposit.status !== 'ACTIVE') return { deposit, delta: zero };
  if (deposit.accruedThrough !== undefined && compareDates(deposit.accruedThrough, date) >= 0) {
    return { deposit, delta: zero };
  }
  if (compareDates(date, deposit.startDate) < 0) return { deposit, delta: zero };
  const owed = termDepositAccrued(termsOf(deposit), date, deposit.periodsPaid);
  return {
    deposit: { ...deposit, accrued: owed, accruedThrough: date },
    delta: owed.minus(deposit.accrued),
  };
}

/** GL movements summed per account and currency: a GL item is written once per transaction. */
function mergeGl(ops: readonly WriteOp[]): WriteOp[] {
  const merged = new Map<string, Extract<WriteOp, { kind: 'moveGl' }>['movement']>();
  const rest: WriteOp[] = [];
  for (const op of ops) {
    if (op.kind !== 'moveGl') {
      rest.push(op);
      continue;
    }
    const key = `${op.movement.code}#${op.movement.currency}`;
    const current = merged.get(key);
    merged.set(
      key,
      current === undefined
        ? op.movement
        : {
            ...current,
            debitMinor: current.debitMinor + op.movement.debitMinor,
            creditMinor: current.creditMinor + op.movement.creditMinor,
          },
    );
  }
  return [
    ...rest,
    ...[...merged.values()].map((movement): WriteOp => ({ kind: 'moveGl', movement })),
  ];
}

const glOfAccrual = (amount: Money): WriteOp[] =>
  amount.isZero() ? [] : accrualGlOps(new Map([[amount.currency, amount.toMinor()]]));

/**
 * What the end of day does to one ACTIVE deposit on `date`, in one transaction: the day's accrual
 * (catching up from the last date accrued), then the event of the date if there is one
 * (planTermDepositEvent), which pays out of what was accrued. Undefined when there is nothing to
 * write (the date done already, or nothing to accrue and no event).
 */
export async function planTermDepositDay(
  deps: Pick<Dependencies, 'ledger' | 'clock' | 'ids'>,
  deposit: TermDeposit,
  date: BusinessDate,
): Promise<{ ops: WriteOp[]; kind: string } | undefined> {
  if (deposit.status !== 'ACTIVE') return undefined;
  const { deposit: accrued, delta } = accrueTermDeposit(deposit, date);
  const event = await planTermDepositEvent(deps, accrued, date, delta);
  if (event !== undefined) {
    return { ops: mergeGl([...event.ops, ...glOfAccrual(delta)]), kind: event.kind };
  }
  if (accrued === deposit) return undefined;
  const { ops } = changed(
    accrued,
    {},
    'TERM_DEPOSIT_ACCRUED',
    {
      date,
      accrued: delta.toString(),
      total: accrued.accrued.toString(),
      currency: delta.currency,
    },
    ACTOR,
    deps.clock.now().toISOString(),
  );
  return { ops: [...ops, ...glOfAccrual(delta)], kind: 'ACCRUED' };
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
 * to the principal or paid to the linked account). Interest paid comes out of what was accrued
 * (debit 2100 Interest payable), any part not accrued is expensed (debit 5000), and what stays
 * accrued when the term ends is reversed. Undefined when nothing falls on `date`.
 */
export async function planTermDepositEvent(
  deps: Pick<Dependencies, 'ledger' | 'clock' | 'ids'>,
  deposit: TermDeposit,
  date: BusinessDate,
  accruedToday: Money = Money.zero(deposit.principal.currency),
): Promise<{ ops: WriteOp[]; kind: string } | undefined> {
  if (deposit.status !== 'ACTIVE' || deposit.nextEventDate !== date) return undefined;
  const accrual = { accrued: accruedToday.toString() };
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
    const debits = interestDebits(deposit.accrued, period.interest);
    const { ops } = changed(
      deposit,
      { periodsPaid: deposit.periodsPaid + 1, nextEventDate: next, accrued: debits.left },
      'TERM_DEPOSIT_INTEREST_PAID',
      {
        date,
        interest: period.interest.toString(),
        currency: period.interest.currency,
        ...accrual,
      },
      ACTOR,
      now,
    );
    if (period.interest.isPositive()) {
      ops.push(
        ...post(
          'TERM_DEPOSIT_INTEREST',
          [...debits.lines, line(payTo, 'CREDIT', period.interest)],
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
    const debits = interestDebits(deposit.accrued, unpaid);
    const lines = [
      line(customer(account.id), 'DEBIT', deposit.principal),
      ...debits.lines,
      line(payTo, 'CREDIT', total),
    ];
    const { ops } = changed(
      deposit,
      { status: 'MATURED', nextEventDate: undefined, accrued: Money.zero(unpaid.currency) },
      'TERM_DEPOSIT_MATURED',
      {
        date,
        principal: deposit.principal.toString(),
        interest: unpaid.toString(),
        currency: unpaid.currency,
        paidTo: payTo.kind === 'customer' ? payTo.accountId : SUSPENSE,
        ...accrual,
      },
      ACTOR,
      now,
    );
    ops.push(...post('TERM_DEPOSIT_MATURITY', lines, total, `Term deposit matured ${date}`));
    // Accrued beyond what was paid (never, at the contract's own maths) is reversed.
    ops.push(...glOfAccrual(debits.left.negated()));
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
  const debits = interestDebits(deposit.accrued, unpaid);
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
      // The new term starts on the date: nothing of it is accrued yet.
      accrued: Money.zero(unpaid.currency),
      accruedThrough: date,
    },
    'TERM_DEPOSIT_ROLLED_OVER',
    {
      date,
      interest: unpaid.toString(),
      currency: unpaid.currency,
      principal: principal.toString(),
      maturityDate: renewed.maturityDate,
      ...accrual,
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
        [...debits.lines, line(creditTo, 'CREDIT', unpaid)],
        unpaid,
        `Term deposit interest at rollover ${date}`,
      ),
    );
  }
  ops.push(...glOfAccrual(debits.left.negated()));
  return { ops, kind: 'ROLLED_OVER' };
}

/**
 * Accrues one deposit to `date` and handles its event of the date, from the listed document on
 * the first attempt and from a strongly consistent read after a conflict.
 */
async function runOne(
  deps: EodDeps,
  accountId: string,
  date: BusinessDate,
  listed: TermDeposit | undefined,
): Promise<void> {
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt += 1) {
    const deposit =
      attempt === 1 && listed !== undefined ? listed : await getTermDeposit(deps, accountId);
    if (deposit === undefined) return;
    const plan = await planTermDepositDay(deps, deposit, date);
    if (plan === undefined) return;
    const result = await deps.ledger.commit(plan.ops);
    if (result.committed) return;
    await deps.retry.sleep(Math.min(deps.retry.maxDelayMs, deps.retry.baseDelayMs * attempt));
  }
  throw new Error(`Term deposit ${accountId} kept conflicting`);
}

/** Checkpoints of the second pass (deposits due on the date but not in the active index). */
const DUE_PASS = 'due:';
const PAGE = 50;

/**
 * End-of-day step `term-deposits`, two passes over the segment, each deposit in its own
 * transaction (planTermDepositDay):
 * 1. every ACTIVE deposit (sparse GSI3 partition `TDACTIVE#<segment>`, the whole document
 *    projected): the day's accrual, and its payout, maturity or rollover when one falls on the
 *    date;
 * 2. the deposits with an event on the date still in `TDDUE#<date>#<segment>` (those opened
 *    before the active index existed enter it with their next write): the same.
 * Idempotent: a date at or before `accruedThrough` accrues nothing, a done event leaves the
 * date's partition, and the version condition guards a concurrent run.
 */
export const termDepositStep: EndOfDayStep = {
  name: 'term-deposits',
  run: async (deps, date, segment, afterAccountId, progress) => {
    let accounts = 0;
    if (afterAccountId === undefined || !afterAccountId.startsWith(DUE_PASS)) {
      let after = afterAccountId;
      for (;;) {
        const page = await deps.interest.listSparseDocuments(
          activeTermDeposits(segment),
          after,
          PAGE,
        );
        for (const document of page.items) {
          await runOne(deps, document.id, date, termDepositOf(document));
          accounts += 1;
          await progress(document.id, accounts);
        }
        after = page.lastLoanId;
        if (after === undefined) break;
      }
    }
    const resumeDue = afterAccountId?.startsWith(DUE_PASS)
      ? afterAccountId.slice(DUE_PASS.length)
      : undefined;
    let cursor: string | undefined;
    for (;;) {
      const page = await deps.ledger.listDocuments(termDepositsDue(date, segment), {
        limit: PAGE,
        cursor,
      });
      for (const document of page.items) {
        if (resumeDue !== undefined && document.id <= resumeDue) continue;
        await runOne(deps, document.id, date, undefined);
        accounts += 1;
        await progress(`${DUE_PASS}${document.id}`, accounts);
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
    // What was accrued leaves 2100; the net interest paid beyond it is expensed, an accrual
    // above it (interest forfeited as the penalty) reversed out of 5000, and a penalty above
    // the interest is fee income.
    const accrued = deposit.accrued;
    const paidInterest = net.isPositive() ? net : Money.zero(net.currency);
    const expense = paidInterest.minus(accrued);
    const lines: JournalLine[] = [
      line(customer(account.id), 'DEBIT', principal),
      ...(accrued.isPositive() ? [line(gl(INTEREST_PAYABLE), 'DEBIT', accrued)] : []),
      ...(expense.isPositive() ? [line(gl(INTEREST_EXPENSE), 'DEBIT', expense)] : []),
      ...(expense.isNegative() ? [line(gl(INTEREST_EXPENSE), 'CREDIT', expense.negated())] : []),
      ...(net.isNegative() ? [line(gl(FEE_INCOME), 'CREDIT', net.negated())] : []),
      ...(payout.isPositive() ? [line(customer(to.id), 'CREDIT', payout)] : []),
    ];
    const now = deps.clock.now().toISOString();
    const { after, ops } = changed(
      deposit,
      { status: 'BROKEN', nextEventDate: undefined, accrued: Money.zero(net.currency) },
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
