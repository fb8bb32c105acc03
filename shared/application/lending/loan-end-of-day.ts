import type { BusinessDate } from '../../domain/interest/business-date';
import type { CurrencyCode } from '../../domain/money';
import type { EndOfDayStep, EodDeps } from '../interest/end-of-day';
import type { WriteOp } from '../ledger/records';
import { loanOf, type Loan } from './loan-records';
import { applyLoanEndOfDay, loanAccrualGlOps, planLoanEndOfDay } from './loans';

/** Loans read per page of the sparse index (a loan document holds its whole schedule). */
export const LOAN_PAGE_SIZE = 50;
/** Loans per transaction: each is 2–4 writes, and a 360-row loan is ~60 KB of the 4 MB limit. */
const LOANS_PER_COMMIT = 20;
/** Bytes of loan documents per transaction, well under TransactWriteItems' 4 MB. */
const BYTES_PER_COMMIT = 2_000_000;

export interface LoanPageOutcome {
  readonly loans: number;
  readonly applied: number;
  readonly commits: number;
  readonly accruedMinor: bigint;
}

/**
 * The end of day of a page of active loans (as the index returned them): planned from the page,
 * committed many loans per transaction with one GL movement pair per currency; a batch whose
 * condition fails (a loan changed since the index was read, or the index was behind) is redone
 * loan by loan from strongly consistent reads. Re-running a date writes nothing: every plan is
 * conditioned on the loan's version and skipped once `lastEndOfDay` reached the date.
 */
export async function loanEndOfDayPage(
  deps: EodDeps,
  loans: readonly Loan[],
  date: BusinessDate,
): Promise<LoanPageOutcome> {
  const now = deps.clock.now().toISOString();
  const plans = loans.flatMap((loan) => {
    const plan = planLoanEndOfDay(deps, loan, date, now);
    return plan === undefined ? [] : [plan];
  });
  let applied = 0;
  let commits = 0;
  let accruedMinor = 0n;
  let batch: typeof plans = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const totals = new Map<CurrencyCode, bigint>();
    for (const plan of batch) {
      const currency = plan.loan.principal.currency;
      totals.set(currency, (totals.get(currency) ?? 0n) + plan.accruedMinor);
    }
    const ops: WriteOp[] = [...batch.flatMap((plan) => plan.ops), ...loanAccrualGlOps(totals)];
    commits += 1;
    const result = await deps.ledger.commit(ops);
    if (result.committed) {
      applied += batch.length;
      accruedMinor += batch.reduce((sum, plan) => sum + plan.accruedMinor, 0n);
    } else {
      for (const plan of batch) {
        const one = await applyLoanEndOfDay(deps, plan.loan.id, date);
        if (!one.ok) continue; // The loan is gone: nothing to do for it.
        commits += one.value.applied ? 1 : 0;
        if (one.value.applied) {
          applied += 1;
          accruedMinor += one.value.interestAccrued.toMinor();
        }
      }
    }
    batch = [];
    bytes = 0;
  };
  for (const plan of plans) {
    const size = JSON.stringify(
      plan.ops[0]?.kind === 'putDocument' ? plan.ops[0].document.data : {},
    ).length;
    if (batch.length >= LOANS_PER_COMMIT || bytes + size > BYTES_PER_COMMIT) await flush();
    batch.push(plan);
    bytes += size;
  }
  await flush();
  return { loans: loans.length, applied, commits, accruedMinor };
}

/**
 * Step `loans` of the pipeline: every ACTIVE loan of the segment (GSI3 `LOANEOD#<segment>`, a
 * sparse index only active loans are in), page by page in loan id order, resumable after the
 * last loan finished.
 */
export const loanStep: EndOfDayStep = {
  name: 'loans',
  run: async (deps, date, segment, after, progress) => {
    let cursor = after;
    let loans = 0;
    for (;;) {
      const page = await deps.interest.listLoanSegment(segment, cursor, LOAN_PAGE_SIZE);
      if (page.items.length > 0) {
        await loanEndOfDayPage(deps, page.items.map(loanOf), date);
        loans += page.items.length;
        cursor = page.items.at(-1)?.id;
        if (cursor !== undefined) await progress(cursor, loans);
      }
      if (page.lastLoanId === undefined) return { accounts: loans };
    }
  },
};
