import type { Account } from '../../domain/ledger/account';
import { Money } from '../../domain/money';
import { feesFor } from '../../domain/products/fees';
import type { FeeTrigger } from '../../domain/products/product';
import type { Dependencies } from '../ports';
import { definitionOf } from './product-records';
import { getProductVersion } from './products';

/**
 * What an account's product version charges for `trigger` on `base` (zero without a product or
 * a matching fee): the sum of its fees of that trigger, each rounded with the version's rounding.
 * Versions are cached per container, so a posting pays no extra read after the first.
 */
export async function productFee(
  deps: Pick<Dependencies, 'ledger'>,
  account: Pick<Account, 'productId' | 'productVersion' | 'currency'>,
  trigger: FeeTrigger,
  base: Money,
): Promise<Money> {
  const zero = Money.zero(account.currency);
  if (account.productId === undefined || account.productVersion === undefined) return zero;
  const version = await getProductVersion(deps, account.productId, account.productVersion);
  if (version === undefined) return zero;
  const definition = definitionOf(version.definition);
  return feesFor(definition, trigger, base)
    .filter((charge) => charge.amount.currency === account.currency)
    .reduce((sum, charge) => sum.plus(charge.amount), zero);
}
