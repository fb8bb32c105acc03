import type { Account } from '../../shared/domain/ledger/account';

/** A USD savings account record as the store hands it back, for unit tests of the ledger's use cases. */
export function accountRecord(version: number, balanceMinor = 1000n, id = 'acc-1'): Account {
  return {
    id,
    customerId: 'cus-1',
    productType: 'SAVINGS',
    currency: 'USD',
    name: 'Savings',
    status: 'ACTIVE',
    balanceMinor,
    holdsMinor: 0n,
    overdraftLimitMinor: 0n,
    controlAccount: '2100',
    version,
    audit: { seq: version, hash: String(version).padStart(64, '0') },
    createdAt: '2026-11-26T00:00:00.000Z',
    updatedAt: '2026-11-26T00:00:00.000Z',
  };
}
