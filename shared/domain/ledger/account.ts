import type { CurrencyCode } from '../money';
import type { GlCode } from './chart-of-accounts';

export const accountProductTypes = ['SAVINGS', 'CHECKING', 'TERM_DEPOSIT'] as const;
export type AccountProductType = (typeof accountProductTypes)[number];

export const accountStatuses = ['ACTIVE', 'FROZEN', 'CLOSED'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

/** The head of an entity's audit chain, kept on the entity so appending needs no extra read. */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * The owner's KYC standing as the account's last posting found it, with the customer version it
 * was read at. A posting plans its KYC limits from it without reading the customer, and its
 * transaction checks that the customer is still at `customerVersion`: a change since fails the
 * write, and the retry reads the customer and writes the standing afresh.
 */
export interface OwnerKyc {
  readonly customerVersion: number;
  readonly kycStatus: string;
  readonly kycTier: number;
  readonly kycExpiresAt?: string | undefined;
}

/**
 * A customer (sub-ledger) account. Amounts are integer minor units of `currency`, signed in the
 * account's natural direction: positive means the bank owes the customer. `version` increases
 * with every change; writes are conditional on it (optimistic concurrency).
 */
export interface Account {
  readonly id: string;
  readonly customerId: string;
  /** LOAN: the sub-ledger account of a loan (shared/application/lending), control account 1200. */
  readonly productType: AccountProductType | 'LOAN';
  readonly currency: CurrencyCode;
  readonly name: string;
  readonly status: AccountStatus;
  readonly balanceMinor: bigint;
  readonly holdsMinor: bigint;
  readonly overdraftLimitMinor: bigint;
  readonly controlAccount: GlCode;
  /** The product and version the account was opened on (shared/application/products); fixed for life. */
  readonly productId?: string | undefined;
  readonly productVersion?: number | undefined;
  /** Absent until the account's first posting that judged the owner's KYC. */
  readonly ownerKyc?: OwnerKyc | undefined;
  readonly version: number;
  readonly audit: ChainHead;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Posted balance minus active holds plus the overdraft limit: what may still be debited. */
export function availableMinor(
  account: Pick<Account, 'balanceMinor' | 'holdsMinor' | 'overdraftLimitMinor'>,
): bigint {
  return account.balanceMinor - account.holdsMinor + account.overdraftLimitMinor;
}
