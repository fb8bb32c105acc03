import { isPostingDate } from '../../domain/interest/accrual';
import type { BusinessDate } from '../../domain/interest/business-date';
import { availableMinor } from '../../domain/ledger/account';
import { Money } from '../../domain/money';
import type { EndOfDayStep, EodDeps } from '../interest/end-of-day';
import type { InterestState } from '../interest/ports';
import { buildPosting } from '../ledger/build-posting';
import type { WriteOp } from '../ledger/records';
import { productFee } from './product-fees';

const ACTOR = 'system:eod';
/** Create-once markers `<accountId>#<date>` of the month ends charged (documents). */
const MAINTENANCE_COLLECTION = 'MAINTENANCEFEE';
const PAGE = 90;

/**
 * Charges one account's MONTHLY_MAINTENANCE fees for the month ending on `date` (percentage fees
 * on the balance): debit the account, credit 4100 Fee income, with a create-once marker
 * `MAINTENANCEFEE#<accountId>#<date>` in the same transaction, so a re-run charges nothing twice. An account
 * without the funds is not charged (the marker records 0: fees never push an account into an
 * unarranged overdraft).
 */
async function chargeOne(deps: EodDeps, state: InterestState, date: BusinessDate): Promise<void> {
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt += 1) {
    const account = (await deps.ledger.loadAccounts([state.accountId])).accounts.get(
      state.accountId,
    );
    if (account === undefined || account.status !== 'ACTIVE') return;
    const balance = Money.fromMinor(account.balanceMinor, account.currency);
    const fee = await productFee(deps, account, 'MONTHLY_MAINTENANCE', balance);
    if (!fee.isPositive()) return;
    const affordable = availableMinor(account) >= fee.toMinor();
    const now = deps.clock.now().toISOString();
    const marker = `${account.id}#${date}`;
    if ((await deps.ledger.getDocument(MAINTENANCE_COLLECTION, marker)) !== undefined) return;
    const ops: WriteOp[] = [
      {
        kind: 'putDocument',
        document: {
          collection: MAINTENANCE_COLLECTION,
          id: marker,
          version: 1,
          data: {
            accountId: account.id,
            date,
            amountMinor: (affordable ? fee.toMinor() : 0n).toString(),
            currency: account.currency,
            at: now,
          },
        },
      },
    ];
    if (affordable) {
      const amountMinor = fee.toMinor();
      ops.push(
        ...buildPosting(deps, {
          type: 'FEE',
          lines: [
            {
              account: { kind: 'customer', accountId: account.id },
              side: 'DEBIT',
              currency: account.currency,
              amountMinor,
            },
            {
              account: { kind: 'gl', code: '4100' },
              side: 'CREDIT',
              currency: account.currency,
              amountMinor,
            },
          ],
          accounts: new Map([[account.id, account]]),
          amountMinor,
          currency: account.currency,
          fromAccountId: account.id,
          description: `Monthly maintenance fee ${date.slice(0, 7)}`,
          valueDate: date,
          actor: ACTOR,
        }).ops,
      );
    }
    const result = await deps.ledger.commit(ops);
    // On a conflict the next attempt re-reads: the marker tells whether a concurrent run charged.
    if (result.committed) return;
    await deps.retry.sleep(Math.min(deps.retry.maxDelayMs, deps.retry.baseDelayMs * attempt));
  }
  throw new Error(`Maintenance fee of account ${state.accountId} kept conflicting`);
}

/**
 * End-of-day step `maintenance-fees`: on a month end, the product accounts of the segment whose
 * version has a MONTHLY_MAINTENANCE fee (they sit in the interest index: shared/application/
 * products/product-accounts.ts). Other days it reads nothing.
 */
export const maintenanceFeeStep: EndOfDayStep = {
  name: 'maintenance-fees',
  run: async (deps, date, segment, afterAccountId, progress) => {
    if (!isPostingDate(date, 'MONTHLY')) return { accounts: 0 };
    let after = afterAccountId;
    let accounts = 0;
    for (;;) {
      const page = await deps.interest.listSegment(segment, after, PAGE);
      for (const state of page.items) {
        if (state.productId !== undefined) await chargeOne(deps, state, date);
      }
      accounts += page.items.length;
      after = page.items.at(-1)?.accountId ?? after;
      if (after !== undefined && page.items.length > 0) await progress(after, accounts);
      if (page.lastAccountId === undefined) return { accounts };
    }
  },
};
