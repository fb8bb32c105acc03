import { chartOfAccounts } from '../domain/ledger/chart-of-accounts';
import { systemRoles } from '../domain/identity/roles';
import type { Dependencies, SystemMarker } from './ports';
import { seedDefaultProducts } from './products/products';

/** The layout version of the data a seeded system holds; migrations compare against it. */
export const SCHEMA_VERSION = 1;

/**
 * Gives an empty tenant what it needs to serve requests. Idempotent: a second run (a restart,
 * a redeploy) finds the existing marker and changes nothing. Later modules add their seeds here
 * (the admin user, products), each written with the same create-once rule.
 */
export async function seedSystem(
  deps: Pick<Dependencies, 'system' | 'settings' | 'clock'> &
    Partial<Pick<Dependencies, 'ledger' | 'ids'>>,
): Promise<{ readonly created: boolean; readonly marker: SystemMarker }> {
  await deps.system.seedChartOfAccounts(chartOfAccounts);
  // Create-once by id: a rerun never resets a role's member counters.
  await deps.system.seedRoles(systemRoles(deps.clock.now().toISOString()));
  // The default SAVINGS and CHECKING products behind the `productType` shortcut (create-once).
  if (deps.ledger !== undefined && deps.ids !== undefined) {
    await seedDefaultProducts(
      { ledger: deps.ledger, ids: deps.ids, clock: deps.clock },
      deps.settings.baseCurrency,
    );
  }
  // The marker goes last: a tenant whose marker exists has everything the seed writes.
  return deps.system.writeMarkerOnce({
    tenant: deps.settings.tenant,
    schemaVersion: SCHEMA_VERSION,
    initializedAt: deps.clock.now().toISOString(),
  });
}
