/**
 * The general ledger's chart of accounts, seeded on every tenant. GL accounts carry balances per
 * currency; customer accounts are sub-ledger accounts that roll up into a control account here.
 * `shards` spreads a hot account's balance over that many items (docs/ledger.md: hot accounts).
 */
export type GlAccountType = 'ASSET' | 'LIABILITY' | 'EQUITY' | 'INCOME' | 'EXPENSE';
export type Side = 'DEBIT' | 'CREDIT';

export interface GlAccount {
  readonly code: string;
  readonly name: string;
  readonly type: GlAccountType;
  readonly shards: number;
}

/** Assets and expenses grow with debits; liabilities, equity and income with credits. */
export function normalSideOf(type: GlAccountType): Side {
  return type === 'ASSET' || type === 'EXPENSE' ? 'DEBIT' : 'CREDIT';
}

export const chartOfAccounts = [
  { code: '1000', name: 'Cash and vault', type: 'ASSET', shards: 8 },
  { code: '1010', name: 'Settlement and clearing', type: 'ASSET', shards: 8 },
  { code: '1200', name: 'Loans receivable (control)', type: 'ASSET', shards: 4 },
  { code: '1210', name: 'Interest receivable', type: 'ASSET', shards: 4 },
  { code: '1300', name: 'Credit lines receivable (control)', type: 'ASSET', shards: 4 },
  { code: '1900', name: 'FX position', type: 'ASSET', shards: 4 },
  { code: '2000', name: 'Customer deposits (control)', type: 'LIABILITY', shards: 8 },
  { code: '2100', name: 'Interest payable', type: 'LIABILITY', shards: 4 },
  { code: '2900', name: 'Suspense', type: 'LIABILITY', shards: 1 },
  { code: '3000', name: 'Equity and retained earnings', type: 'EQUITY', shards: 1 },
  { code: '4000', name: 'Interest income', type: 'INCOME', shards: 4 },
  { code: '4100', name: 'Fee income', type: 'INCOME', shards: 4 },
  { code: '4200', name: 'FX gains', type: 'INCOME', shards: 1 },
  { code: '5000', name: 'Interest expense', type: 'EXPENSE', shards: 4 },
  { code: '5100', name: 'Loan loss expense', type: 'EXPENSE', shards: 1 },
  { code: '5200', name: 'FX losses', type: 'EXPENSE', shards: 1 },
] as const satisfies readonly GlAccount[];

export type GlCode = (typeof chartOfAccounts)[number]['code'];

/** Named roles of GL accounts in postings, so rules never hard-code account numbers. */
export const glRoles = {
  cash: '1000',
  settlement: '1010',
  fxPosition: '1900',
  customerDepositsControl: '2000',
  suspense: '2900',
} as const satisfies Record<string, GlCode>;

const byCode = new Map<string, GlAccount>(
  chartOfAccounts.map((account) => [account.code, account]),
);

/** The GL account with `code`; throws for an unknown code (a bug: codes come from this file). */
export function glAccount(code: GlCode): GlAccount {
  const account = byCode.get(code);
  if (account === undefined) throw new Error(`Unknown GL account ${code}`);
  return account;
}

export function isGlCode(code: string): code is GlCode {
  return byCode.has(code);
}
