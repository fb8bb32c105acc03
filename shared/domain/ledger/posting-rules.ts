import { err, ok, type Result } from '../result';
import type { DomainError } from '../errors';
import { BankDecimal, Money, type CurrencyCode, type RoundingMode } from '../money';
import { availableMinor, type Account } from './account';
import { glRoles, type GlCode } from './chart-of-accounts';
import { customerBalanceDelta, type JournalLine } from './journal-entry';

/*
 * Posting rules: pure decisions from account state and a request to balanced journal lines.
 * When several failures apply, the first in this order is returned (a stable contract):
 * ACCOUNTS_MUST_BE_DIFFERENT, CURRENCY_MISMATCH, ACCOUNT_CLOSED, ACCOUNT_FROZEN,
 * INSUFFICIENT_FUNDS. The conditional write re-checks status and funds atomically.
 */

const customer = (account: Account) => ({ kind: 'customer', accountId: account.id }) as const;
const gl = (code: GlCode) => ({ kind: 'gl', code }) as const;

function line(
  account: JournalLine['account'],
  side: JournalLine['side'],
  money: Money,
): JournalLine {
  return { account, side, currency: money.currency, amountMinor: money.toMinor() };
}

function mustAccept(account: Account, money: Money): DomainError | undefined {
  if (money.currency !== account.currency) {
    return { code: 'CURRENCY_MISMATCH', expected: account.currency, received: money.currency };
  }
  if (account.status === 'CLOSED') return { code: 'ACCOUNT_CLOSED', accountId: account.id };
  return undefined;
}

function mustAllowDebit(account: Account, money: Money): DomainError | undefined {
  const refused = mustAccept(account, money);
  if (refused !== undefined) return refused;
  if (account.status === 'FROZEN') return { code: 'ACCOUNT_FROZEN', accountId: account.id };
  if (availableMinor(account) < money.toMinor()) {
    return { code: 'INSUFFICIENT_FUNDS', accountId: account.id };
  }
  return undefined;
}

/** Cash in: debit the counterparty GL account (cash, settlement), credit the customer. */
export function decideDeposit(
  account: Account,
  amount: Money,
  counterparty: GlCode = glRoles.cash,
): Result<JournalLine[], DomainError> {
  const refused = mustAccept(account, amount);
  if (refused !== undefined) return err(refused);
  return ok([line(gl(counterparty), 'DEBIT', amount), line(customer(account), 'CREDIT', amount)]);
}

/** Cash out: debit the customer within available funds, credit the counterparty GL account. */
export function decideWithdrawal(
  account: Account,
  amount: Money,
  counterparty: GlCode = glRoles.cash,
): Result<JournalLine[], DomainError> {
  const refused = mustAllowDebit(account, amount);
  if (refused !== undefined) return err(refused);
  return ok([line(customer(account), 'DEBIT', amount), line(gl(counterparty), 'CREDIT', amount)]);
}

/** Same-currency transfer between two customer accounts. */
export function decideTransfer(
  from: Account,
  to: Account,
  amount: Money,
): Result<JournalLine[], DomainError> {
  if (from.id === to.id) return err({ code: 'ACCOUNTS_MUST_BE_DIFFERENT' });
  if (from.currency !== to.currency) {
    return err({ code: 'CURRENCY_MISMATCH', expected: from.currency, received: to.currency });
  }
  const refused = mustAccept(to, amount) ?? mustAllowDebit(from, amount);
  if (refused !== undefined) return err(refused);
  return ok([line(customer(from), 'DEBIT', amount), line(customer(to), 'CREDIT', amount)]);
}

/** An exchange rate: one unit of `base` buys `rate` units of `quote`. */
export interface FxRate {
  readonly base: CurrencyCode;
  readonly quote: CurrencyCode;
  readonly rate: string;
}

/** The rounding of converted amounts, stated in every cross-currency response. */
export const FX_ROUNDING: RoundingMode = 'HALF_EVEN';

/**
 * Converts with a direct rate (base→quote: multiply) or an inverse one (quote→base: divide).
 * Dividing the amount itself, not multiplying by a rounded 1/rate, keeps exact ties exact, so
 * half-even rounding sees 6.625 and not 6.62500…01.
 */
export function convert(amount: Money, to: CurrencyCode, rate: FxRate): Money {
  const direct = rate.base === amount.currency && rate.quote === to;
  const converted = direct
    ? amount.amount.times(new BankDecimal(rate.rate))
    : amount.amount.dividedBy(new BankDecimal(rate.rate));
  return Money.rounded(converted, to, FX_ROUNDING);
}

/**
 * Cross-currency transfer through the FX position accounts: the source currency leaves the
 * customer into the bank's position in that currency, and the converted amount leaves the
 * bank's position in the target currency to the customer. Each currency balances on its own.
 */
export function decideFxTransfer(
  from: Account,
  to: Account,
  amount: Money,
  rate: FxRate,
): Result<{ lines: JournalLine[]; converted: Money }, DomainError> {
  if (from.id === to.id) return err({ code: 'ACCOUNTS_MUST_BE_DIFFERENT' });
  if (from.currency === to.currency)
    return err({ code: 'SAME_CURRENCY_FX', currency: to.currency });
  // The documented precedence: currency, then a closed account on either side, then the
  // source's freeze and funds.
  if (amount.currency !== from.currency) {
    return err({ code: 'CURRENCY_MISMATCH', expected: from.currency, received: amount.currency });
  }
  if (to.status === 'CLOSED') return err({ code: 'ACCOUNT_CLOSED', accountId: to.id });
  const refused = mustAllowDebit(from, amount);
  if (refused !== undefined) return err(refused);
  const converted = convert(amount, to.currency, rate);
  if (!converted.isPositive()) {
    return err({ code: 'CONFLICT', detail: 'The converted amount rounds to zero' });
  }
  return ok({
    converted,
    lines: [
      line(customer(from), 'DEBIT', amount),
      line(gl(glRoles.fxPosition), 'CREDIT', amount),
      line(gl(glRoles.fxPosition), 'DEBIT', converted),
      line(customer(to), 'CREDIT', converted),
    ],
  });
}

/**
 * The check a reversal's customer lines must pass: the accounts still exist and are open, and a
 * debit (undoing a credit) stays within available funds. Frozen accounts may be corrected.
 */
export function checkReversal(
  lines: readonly JournalLine[],
  accounts: ReadonlyMap<string, Account>,
): DomainError | undefined {
  for (const reversing of lines) {
    if (reversing.account.kind !== 'customer') continue;
    const account = accounts.get(reversing.account.accountId);
    if (account === undefined)
      return { code: 'ACCOUNT_NOT_FOUND', accountId: reversing.account.accountId };
    if (account.status === 'CLOSED') return { code: 'ACCOUNT_CLOSED', accountId: account.id };
    const delta = customerBalanceDelta(reversing);
    if (delta < 0n && availableMinor(account) + delta < 0n) {
      return { code: 'INSUFFICIENT_FUNDS', accountId: account.id };
    }
  }
  return undefined;
}
