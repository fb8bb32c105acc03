import type { DomainError } from '../errors';
import { availableMinor, type Account } from '../ledger/account';
import { customerBalanceDelta, type JournalLine } from '../ledger/journal-entry';
import { Money } from '../money';
import { err, ok, type Result } from '../result';
import { feesFor, type FeeCharge } from './fees';
import type { FeeTrigger, ProductDefinition, ProductLimits } from './product';

/*
 * Product rules applied to a posting already decided by the ledger's posting rules: the fees its
 * product version charges on the movement, and the version's balance limits.
 */

/** The GL account fees are credited to. */
export const FEE_INCOME_GL = '4100' as const;

/**
 * What `payer`'s product charges on a movement whose lines are `lines`: the fees of `trigger` on
 * `amount`, and the OVERDRAFT fees when the posting (fees included) takes a balance that was not
 * below zero below zero, computed on the overdrawn amount. Once per posting.
 */
export function postingFees(
  definition: ProductDefinition,
  lines: readonly JournalLine[],
  payer: Account,
  trigger: FeeTrigger | undefined,
  amount: Money,
): FeeCharge[] {
  const inCurrency = (charge: FeeCharge) => charge.amount.currency === payer.currency;
  const charges =
    trigger === undefined || amount.currency !== payer.currency
      ? []
      : feesFor(definition, trigger, amount).filter(inCurrency);
  const own = lines.find(
    (line) => line.account.kind === 'customer' && line.account.accountId === payer.id,
  );
  if (own === undefined) return charges;
  const triggered = charges.reduce((sum, charge) => sum + charge.amount.toMinor(), 0n);
  const after = payer.balanceMinor + customerBalanceDelta(own) - triggered;
  if (payer.balanceMinor < 0n || after >= 0n) return charges;
  const overdrawn = Money.fromMinor(-after, payer.currency);
  return [...charges, ...feesFor(definition, 'OVERDRAFT', overdrawn).filter(inCurrency)];
}

/**
 * The lines with `fee` charged to `account` in the same entry: the account's own line grows (a
 * debit) or shrinks (a credit) by the fee, and 4100 Fee income is credited with it. The debit
 * must stay within the account's available funds (INSUFFICIENT_FUNDS); a credit must exceed the
 * fee (FEE_EXCEEDS_AMOUNT: a deposit never turns into a debit through its own fee).
 */
export function chargeFee(
  lines: readonly JournalLine[],
  account: Account,
  fee: Money,
): Result<JournalLine[], DomainError> {
  const index = lines.findIndex(
    (line) => line.account.kind === 'customer' && line.account.accountId === account.id,
  );
  const own = lines[index];
  if (own === undefined) throw new Error(`No line of ${account.id} to charge a fee on`);
  const feeMinor = fee.toMinor();
  let charged: JournalLine;
  if (own.side === 'DEBIT') {
    charged = { ...own, amountMinor: own.amountMinor + feeMinor };
    if (availableMinor(account) < charged.amountMinor) {
      return err({ code: 'INSUFFICIENT_FUNDS', accountId: account.id });
    }
  } else {
    if (own.amountMinor <= feeMinor) {
      return err({
        code: 'FEE_EXCEEDS_AMOUNT',
        amount: Money.fromMinor(own.amountMinor, own.currency).toString(),
        fee: fee.toString(),
      });
    }
    charged = { ...own, amountMinor: own.amountMinor - feeMinor };
  }
  const income: JournalLine = {
    account: { kind: 'gl', code: FEE_INCOME_GL },
    side: 'CREDIT',
    currency: own.currency,
    amountMinor: feeMinor,
  };
  return ok([...lines.slice(0, index), charged, ...lines.slice(index + 1), income]);
}

/**
 * The version's balance limits on a posting that moves `account` by `deltaMinor`: a debit may
 * not leave it below `minBalance`, a credit may not leave it above `maxBalance`. A movement the
 * other way is always allowed (a deposit into an account below its minimum brings it closer).
 */
export function balanceLimitProblem(
  limits: ProductLimits,
  account: Pick<Account, 'id' | 'balanceMinor' | 'currency'>,
  deltaMinor: bigint,
): DomainError | undefined {
  const after = account.balanceMinor + deltaMinor;
  const { minBalance, maxBalance } = limits;
  if (
    deltaMinor < 0n &&
    minBalance?.currency === account.currency &&
    after < minBalance.toMinor()
  ) {
    return {
      code: 'PRODUCT_BALANCE_LIMIT',
      accountId: account.id,
      limit: 'MIN_BALANCE',
      bound: minBalance.toString(),
    };
  }
  if (
    deltaMinor > 0n &&
    maxBalance?.currency === account.currency &&
    after > maxBalance.toMinor()
  ) {
    return {
      code: 'PRODUCT_BALANCE_LIMIT',
      accountId: account.id,
      limit: 'MAX_BALANCE',
      bound: maxBalance.toString(),
    };
  }
  return undefined;
}
