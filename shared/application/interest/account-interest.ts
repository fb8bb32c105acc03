import type { PostingFrequency } from '../../domain/interest/accrual';
import type { DayCountConvention } from '../../domain/interest/day-count';
import type { Account } from '../../domain/ledger/account';
import { appendToChain, GENESIS } from '../audit/audit-chain';
import type { WriteOp } from '../ledger/records';
import { interestChainOf, segmentOf } from './deposit-interest';
import type { InterestState } from './ports';

export interface AccountInterestTerms {
  /** Annual rate, decimal fraction string ("0.0365"). */
  readonly rate: string;
  readonly dayCount: DayCountConvention;
  readonly postingFrequency: PostingFrequency;
}

/**
 * The interest state an account opens with (zero totals, nothing accrued yet: the first end of
 * day accrues its own date), its audit chain started and registered, and its place in the sparse
 * index, in the account's opening transaction.
 */
export function interestOpeningOps(
  account: Account,
  terms: AccountInterestTerms,
  actor: string,
  now: string,
  product?: { readonly productId: string; readonly productVersion: number },
): WriteOp[] {
  const chainId = interestChainOf(account.id);
  const audited = appendToChain(GENESIS, {
    chainId,
    at: now,
    entityType: 'INTEREST',
    entityId: account.id,
    action: 'INTEREST_TERMS_SET',
    actor,
    data: {
      rate: terms.rate,
      dayCount: terms.dayCount,
      postingFrequency: terms.postingFrequency,
    },
  });
  const state: InterestState = {
    accountId: account.id,
    currency: account.currency,
    rate: terms.rate,
    dayCount: terms.dayCount,
    postingFrequency: terms.postingFrequency,
    ...product,
    segment: segmentOf(account.id),
    exact: '0',
    bookedMinor: 0n,
    postedMinor: 0n,
    accruedThrough: undefined,
    postedThrough: undefined,
    version: 1,
    audit: audited.head,
    createdAt: now,
    updatedAt: now,
  };
  return [
    { kind: 'putInterestState', before: undefined, after: state },
    { kind: 'registerChain', chainId, entityType: 'INTEREST', entityId: account.id },
    { kind: 'appendAudit', record: audited.record },
  ];
}
