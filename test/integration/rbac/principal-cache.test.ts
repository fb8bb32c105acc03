import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createUser } from '../../../shared/application/identity/auth';
import {
  directoryPrincipalResolver,
  PrincipalRefusedError,
} from '../../../shared/application/identity/principal-resolver';
import type { AccessClaims } from '../../../shared/application/identity/ports';
import { createTestApi, TEST_ADMIN_PASSWORD, type TestApi } from '../../support/api-client';

describe('the principal cache', () => {
  let api: TestApi;
  const reads: string[] = [];
  let nowMs = Date.parse('2026-11-26T10:00:00.000Z');
  const clock = { now: () => new Date(nowMs) };

  beforeAll(async () => {
    api = await createTestApi('principal-cache', {
      metrics: { onCall: (operation) => reads.push(operation) },
    });
  });
  afterAll(async () => api.close());

  const aTeller = async (): Promise<AccessClaims> => {
    const created = await createUser(api.deps, {
      username: `cached-${api.deps.ids.next().toLowerCase()}`,
      password: TEST_ADMIN_PASSWORD,
      roles: ['TELLER'],
      actor: 'test',
    });
    if (!created.ok) throw new Error('creating the teller failed');
    return { sub: created.value.id, username: created.value.username, roles: ['TELLER'] };
  };

  it('reads the directory once per TTL: a warm request costs no read', async () => {
    const resolver = directoryPrincipalResolver(
      { ledger: api.deps.ledger, clock },
      { ttlMs: 30_000 },
    );
    const claims = await aTeller();
    reads.length = 0;

    const [first, concurrent] = await Promise.all([
      resolver.resolve(claims),
      resolver.resolve(claims),
    ]);
    const coldReads = reads.length;
    nowMs += 29_000;
    await resolver.resolve(claims);
    const warmReads = reads.length - coldReads;
    nowMs += 1_000;
    await resolver.resolve(claims);

    expect(first.permissions).toEqual(
      new Set(['VIEW_ACCOUNT', 'VIEW_CUSTOMER', 'CREATE_TRANSACTION', 'VIEW_TRANSACTION']),
    );
    expect(concurrent).toBe(first);
    expect(coldReads).toBe(2); // The user (GetItem) and its roles (BatchGetItem).
    expect(warmReads).toBe(0);
    expect(reads.length).toBe(4); // Expired after 30 s: read again.
  });

  it('refuses a deactivated user once the cached principal expires', async () => {
    const resolver = directoryPrincipalResolver(
      { ledger: api.deps.ledger, clock },
      { ttlMs: 30_000 },
    );
    const claims = await aTeller();
    await resolver.resolve(claims);

    const deactivated = await api.call('POST', `/rbac/users/${claims.sub}/deactivate`);
    const withinTtl = await resolver.resolve(claims);
    nowMs += 30_001;

    expect(deactivated.status).toBe(200);
    expect(withinTtl.userId).toBe(claims.sub);
    await expect(resolver.resolve(claims)).rejects.toBeInstanceOf(PrincipalRefusedError);
  });

  it('refuses a token whose subject is not the user of that name', async () => {
    const resolver = directoryPrincipalResolver({ ledger: api.deps.ledger, clock }, { ttlMs: 0 });
    const claims = await aTeller();

    await expect(
      resolver.resolve({ ...claims, sub: '01ZZZZZZZZZZZZZZZZZZZZZZZZ' }),
    ).rejects.toThrow('unknown user');
    await expect(resolver.resolve({ ...claims, username: 'nobody' })).rejects.toThrow(
      'unknown user',
    );
  });
});
