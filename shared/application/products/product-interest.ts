import type { InterestRate } from '../../domain/interest/tiers';
import type { Dependencies } from '../ports';
import type { InterestState } from '../interest/ports';
import { definitionOf, interestRateOf } from './product-records';
import { getProductVersion } from './products';

/**
 * The rate each product account of a page accrues at: its product version's interest (tiers
 * included), read once per version per container (versions never change). Accounts without a
 * product keep the flat rate of their state; a product version that pays no interest accrues zero.
 */
export async function productRates(
  deps: Pick<Dependencies, 'ledger'>,
  states: readonly InterestState[],
): Promise<ReadonlyMap<string, InterestRate>> {
  const rates = new Map<string, InterestRate>();
  for (const state of states) {
    if (state.productId === undefined || state.productVersion === undefined) continue;
    const version = await getProductVersion(deps, state.productId, state.productVersion);
    if (version === undefined) continue;
    const rate = interestRateOf(definitionOf(version.definition));
    if (rate !== undefined) rates.set(state.accountId, rate);
  }
  return rates;
}
