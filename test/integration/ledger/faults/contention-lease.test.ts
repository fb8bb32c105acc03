import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApi, type TestApi } from '../../../support/api-client';

// The lease a command takes once it has lost a race: containers contending for one account take
// turns on it instead of colliding (run-command.ts).
describe('contention leases', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('leases');
  });
  afterAll(async () => api.close());

  it('is held by one owner until released or lapsed', async () => {
    const ledger = api.deps.ledger;
    const now = Date.now();

    const first = await ledger.tryLease('ACC1', 'a', now, now + 3_000);
    const rival = await ledger.tryLease('ACC1', 'b', now + 10, now + 3_010);
    const again = await ledger.tryLease('ACC1', 'a', now + 20, now + 3_020);
    await ledger.releaseLease('ACC1', 'b'); // Not b's to give back: changes nothing.
    const stillHeld = await ledger.tryLease('ACC1', 'b', now + 30, now + 3_030);
    await ledger.releaseLease('ACC1', 'a');
    const afterRelease = await ledger.tryLease('ACC1', 'b', now + 40, now + 3_040);
    const lapsed = await ledger.tryLease('ACC1', 'c', now + 3_041, now + 6_041);
    const other = await ledger.tryLease('ACC2', 'a', now, now + 3_000);

    expect([first, rival, again, stillHeld, afterRelease, lapsed, other]).toEqual([
      true,
      false,
      true,
      false,
      true,
      true,
      true,
    ]);
  });
});
