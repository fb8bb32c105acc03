import type { DomainError } from '../../domain/errors';
import type { Account } from '../../domain/ledger/account';
import { customerBalanceDelta, type JournalLine } from '../../domain/ledger/journal-entry';
import { Money } from '../../domain/money';
import type { FeeTrigger, ProductDefinition } from '../../domain/products/product';
import { balanceLimitProblem, chargeFee, postingFees } from '../../domain/products/posting';
import { err, ok, type Result } from '../../domain/result';
import type { PostingFee } from '../ledger/records';
import type { Dependencies } from '../ports';
import { definitionOf } from './product-records';
import { getProductVersion } from './products';

type Deps = Pick<Dependencies, 'ledger'>;

/** The definition of an account's product version (cached per container), if it has one. */
export async function productDefinitionOf(
  deps: Deps,
  account: Pick<Account, 'productId' | 'productVersion'>,
): Promise<ProductDefinition | undefined> {
  if (account.productId === undefined || account.productVersion === undefined) return undefined;
  const version = await getProductVersion(deps, account.productId, account.productVersion);
  return version === undefined ? undefined : definitionOf(version.definition);
}

/**
 * A decided posting with the fees `payer`'s product charges on it (the trigger's fees on
 * `amount`, and OVERDRAFT fees when it overdraws), charged inside the same entry: the payer's line
 * carries them and 4100 Fee income is credited. Without fees the lines come back unchanged.
 */
export async function withPostingFees(
  deps: Deps,
  lines: readonly JournalLine[],
  payer: Account,
  trigger: FeeTrigger | undefined,
  amount: Money,
): Promise<Result<{ lines: readonly JournalLine[]; fee?: PostingFee }, DomainError>> {
  const definition = await productDefinitionOf(deps, payer);
  if (definition === undefined) return ok({ lines });
  const charges = postingFees(definition, lines, payer, trigger, amount);
  if (charges.length === 0) return ok({ lines });
  const total = charges.reduce(
    (sum, charge) => sum.plus(charge.amount),
    Money.zero(payer.currency),
  );
  const charged = chargeFee(lines, payer, total);
  if (!charged.ok) return charged;
  return ok({
    lines: charged.value,
    fee: {
      accountId: payer.id,
      amountMinor: total.toMinor(),
      description: charges.map((charge) => charge.name).join(', '),
    },
  });
}

/**
 * The balance limits of every product account a posting moves (minimum balance on debits,
 * maximum on credits), judged on the balances the posting was decided from; the account's
 * version condition makes the write fail if that balance changed meanwhile.
 */
export async function checkProductBalanceLimits(
  deps: Deps,
  lines: readonly JournalLine[],
  accounts: ReadonlyMap<string, Account>,
): Promise<Result<void, DomainError>> {
  for (const line of lines) {
    if (line.account.kind !== 'customer') continue;
    const account = accounts.get(line.account.accountId);
    // A loan's own account is the bank's asset, bounded by its loan, not by balance limits.
    if (account === undefined || account.productType === 'LOAN') continue;
    const definition = await productDefinitionOf(deps, account);
    if (definition === undefined) continue;
    const problem = balanceLimitProblem(definition.limits, account, customerBalanceDelta(line));
    if (problem !== undefined) return err(problem);
  }
  return ok(undefined);
}
