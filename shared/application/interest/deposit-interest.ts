import {
  accrue,
  dailyAccrual,
  isPostingDate,
  postAccrued,
  type AccrualState,
} from '../../domain/interest/accrual';
import { addDays, compareDates, type BusinessDate } from '../../domain/interest/business-date';
import type { InterestRate } from '../../domain/interest/tiers';
import type { Account } from '../../domain/ledger/account';
import { BankDecimal, Money } from '../../domain/money';
import { appendToChain } from '../audit/audit-chain';
import { buildPosting } from '../ledger/build-posting';
import type { WriteOp } from '../ledger/records';
import type { Dependencies } from '../ports';
import { INTEREST_SEGMENTS, type InterestState } from './ports';

/** Days one account catches up in one transaction (markers are one write each). */
export const MAX_CATCH_UP_DAYS_PER_COMMIT = 60;

export const interestChainOf = (accountId: string): string => `INTEREST#${accountId}`;

/** The segment of the sparse index an account lands in: a stable hash of its id. */
export function segmentOf(accountId: string, segments = INTEREST_SEGMENTS): number {
  let hash = 2166136261;
  for (let i = 0; i < accountId.length; i += 1) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % segments;
}

function accrualStateOf(state: InterestState): AccrualState {
  return {
    exact: new BankDecimal(state.exact),
    booked: Money.fromMinor(state.bookedMinor, state.currency),
    posted: Money.fromMinor(state.postedMinor, state.currency),
  };
}

/** What one account's accrual up to a date writes, and the interest it books. */
export interface AccountAccrual {
  readonly ops: WriteOp[];
  readonly bookedMinor: bigint;
  readonly days: number;
  readonly after: InterestState;
}

/**
 * Accrues an account from the day after `accruedThrough` (or `date` itself on its first run) to
 * `date`, in order, on the account's current balance: one marker per date (create-once, so a date
 * is never accrued twice), the state with its carried sub-cent remainder, and one audit record.
 * Costs O(days caught up), never O(history). Undefined when there is nothing to do. GL movements
 * are left to the caller, which sums them over a batch of accounts.
 */
export function planAccrual(
  state: InterestState,
  account: Account,
  date: BusinessDate,
  now: string,
  actor: string,
  /** The product version's rate (tiers included); the state's flat rate otherwise. */
  productRate?: InterestRate,
): AccountAccrual | undefined {
  if (account.status === 'CLOSED') return undefined;
  if (state.accruedThrough !== undefined && compareDates(state.accruedThrough, date) >= 0)
    return undefined;
  let from = state.accruedThrough === undefined ? date : addDays(state.accruedThrough, 1);
  // A long gap is caught up over several commits, oldest days first.
  const lastDay = addDays(from, MAX_CATCH_UP_DAYS_PER_COMMIT - 1);
  const to = compareDates(lastDay, date) < 0 ? lastDay : date;
  const balance = Money.fromMinor(account.balanceMinor, account.currency);
  const rate: InterestRate = productRate ?? { kind: 'FLAT', rate: new BankDecimal(state.rate) };
  let accrual = accrualStateOf(state);
  const ops: WriteOp[] = [];
  let days = 0;
  for (; compareDates(from, to) <= 0; from = addDays(from, 1)) {
    const day = accrue(accrual, dailyAccrual(balance, rate, state.dayCount, from));
    accrual = day.state;
    days += 1;
    ops.push({
      kind: 'putInterestMarker',
      accountId: state.accountId,
      marker: 'ACCRUAL',
      date: from,
      amountMinor: day.booked.toMinor(),
      currency: state.currency,
      at: now,
    });
  }
  const bookedMinor = accrual.booked.toMinor() - state.bookedMinor;
  const audited = appendToChain(state.audit, {
    chainId: interestChainOf(state.accountId),
    at: now,
    entityType: 'INTEREST',
    entityId: state.accountId,
    action: 'INTEREST_ACCRUED',
    actor,
    data: {
      from: state.accruedThrough === undefined ? date : addDays(state.accruedThrough, 1),
      through: to,
      bookedMinor: bookedMinor.toString(),
      currency: state.currency,
      balanceMinor: account.balanceMinor.toString(),
    },
  });
  const after: InterestState = {
    ...state,
    exact: accrual.exact.toString(),
    bookedMinor: accrual.booked.toMinor(),
    accruedThrough: to,
    version: state.version + 1,
    audit: audited.head,
    updatedAt: now,
  };
  ops.push({ kind: 'putInterestState', before: state, after });
  ops.push({ kind: 'appendAudit', record: audited.record });
  return { ops, bookedMinor, days, after };
}

/** The GL side of accruals: debit 5000 Interest expense, credit 2100 Interest payable. */
export function accrualGlOps(bookedMinorByCurrency: ReadonlyMap<string, bigint>): WriteOp[] {
  const ops: WriteOp[] = [];
  for (const [currency, amount] of bookedMinorByCurrency) {
    if (amount === 0n) continue;
    const c = currency as InterestState['currency'];
    // A negative total (never for deposits at a positive rate) would flip the sides.
    const debit = amount > 0n ? amount : 0n;
    const credit = amount > 0n ? 0n : -amount;
    ops.push({
      kind: 'moveGl',
      movement: { code: '5000', currency: c, debitMinor: debit, creditMinor: credit },
    });
    ops.push({
      kind: 'moveGl',
      movement: { code: '2100', currency: c, debitMinor: credit, creditMinor: debit },
    });
  }
  return ops;
}

/** Whether a posting date of the account's frequency lies in (postedThrough, date]. */
export function postingDue(state: InterestState, date: BusinessDate): boolean {
  if (state.postedThrough !== undefined && compareDates(state.postedThrough, date) >= 0)
    return false;
  if (isPostingDate(date, state.postingFrequency)) return true;
  const since = state.postedThrough ?? state.createdAt.slice(0, 10);
  // Posting dates missed while the batch did not run are caught up here (bounded by the gap).
  for (
    let day = addDays(date, -1);
    compareDates(day, since as BusinessDate) > 0 && compareDates(day, addDays(date, -400)) > 0;
    day = addDays(day, -1)
  ) {
    if (isPostingDate(day, state.postingFrequency)) return true;
  }
  return false;
}

/**
 * Posts everything booked and unposted to the account at a period end: debit 2100 Interest
 * payable, credit the customer account (a real posting: balance, history line, account audit,
 * event), the accrual state's `posted` total and a create-once posting marker, in one transaction.
 * The sub-cent remainder stays accrued. Undefined when nothing is due.
 */
export function planPosting(
  deps: Pick<Dependencies, 'clock' | 'ids'>,
  state: InterestState,
  account: Account,
  date: BusinessDate,
  actor: string,
): { ops: WriteOp[]; postedMinor: bigint } | undefined {
  if (account.status === 'CLOSED') return undefined;
  if (state.accruedThrough === undefined || compareDates(state.accruedThrough, date) < 0)
    return undefined; // Accrue first: the step order guarantees it, a partial run may not.
  if (!postingDue(state, date)) return undefined;
  const now = deps.clock.now().toISOString();
  const posting = postAccrued(accrualStateOf(state));
  const amountMinor = posting.posted.toMinor();
  const audited = appendToChain(state.audit, {
    chainId: interestChainOf(state.accountId),
    at: now,
    entityType: 'INTEREST',
    entityId: state.accountId,
    action: 'INTEREST_POSTED',
    actor,
    data: { date, postedMinor: amountMinor.toString(), currency: state.currency },
  });
  const after: InterestState = {
    ...state,
    postedMinor: posting.state.posted.toMinor(),
    postedThrough: date,
    version: state.version + 1,
    audit: audited.head,
    updatedAt: now,
  };
  const ops: WriteOp[] = [
    { kind: 'putInterestState', before: state, after },
    { kind: 'appendAudit', record: audited.record },
    {
      kind: 'putInterestMarker',
      accountId: state.accountId,
      marker: 'POSTING',
      date,
      amountMinor,
      currency: state.currency,
      at: now,
    },
  ];
  if (amountMinor > 0n) {
    const built = buildPosting(deps, {
      type: 'INTEREST_POSTING',
      lines: [
        {
          account: { kind: 'gl', code: '2100' },
          side: 'DEBIT',
          currency: state.currency,
          amountMinor,
        },
        {
          account: { kind: 'customer', accountId: account.id },
          side: 'CREDIT',
          currency: state.currency,
          amountMinor,
        },
      ],
      accounts: new Map([[account.id, account]]),
      amountMinor,
      currency: state.currency,
      toAccountId: account.id,
      description: `Interest to ${date}`,
      valueDate: date,
      actor,
    });
    ops.push(...built.ops);
  }
  return { ops, postedMinor: amountMinor };
}
