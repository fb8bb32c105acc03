import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApi, type TestApi } from '../../support/api-client';
import { savingsDefinition } from '../../support/products';

interface ProductBody {
  id: string;
  version: number;
  currentVersion: number;
  status: string;
  definition: Record<string, unknown> & { name: string; interest?: { rate: string } };
  code?: string;
}
interface Problem {
  code: string;
  status: number;
  errors?: { path: string; message: string }[];
}

describe('products over HTTP', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('products');
  });
  afterAll(async () => api.close());

  const create = (body: unknown, headers: Record<string, string> = {}) =>
    api.call<ProductBody>('POST', '/products', { body, headers });
  const action = (id: string, verb: string) =>
    api.call<ProductBody & Problem>('POST', `/products/${id}/${verb}`);

  it('seeds an ACTIVE default product per account type on an empty system', async () => {
    const listed = await api.call<{ items: ProductBody[] }>('GET', '/products?status=ACTIVE');
    const codes = listed.body.items.map((item) => item.definition.code);
    expect(codes).toEqual(expect.arrayContaining(['DEFAULT_SAVINGS', 'DEFAULT_CHECKING']));
  });

  it('creates a DRAFT at version 1 with defaults filled in, idempotently', async () => {
    const headers = { 'Idempotency-Key': 'create-saver-1' };
    const created = await create(savingsDefinition('SAVER_1'), headers);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/products/${created.body.id}`);
    expect(created.body).toMatchObject({ version: 1, currentVersion: 1, status: 'DRAFT' });
    expect(created.body.definition).toMatchObject({
      minimumKycTier: 0,
      interest: {
        rounding: 'HALF_EVEN',
        compounding: 'ON_POSTING',
        postingFrequency: 'MONTHLY',
        tierMode: 'WHOLE_BALANCE',
      },
    });
    const replay = await create(savingsDefinition('SAVER_1'), headers);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.raw).toBe(created.raw);
    const again = await api.call<Problem>('POST', '/products', {
      body: savingsDefinition('SAVER_1'),
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PRODUCT_CODE_TAKEN');
  });

  it('walks the lifecycle and refuses what it does not allow with 409', async () => {
    const { id } = (await create(savingsDefinition('LIFE_1'))).body;
    expect((await action(id, 'suspend')).body.code).toBe('PRODUCT_TRANSITION_NOT_ALLOWED');
    expect((await action(id, 'retire')).status).toBe(409);
    const activated = await action(id, 'activate');
    expect(activated.status).toBe(200);
    expect(activated.body.status).toBe('ACTIVE');
    expect((await action(id, 'activate')).status).toBe(409);
    expect((await action(id, 'suspend')).body.status).toBe('SUSPENDED');
    expect((await action(id, 'activate')).body.status).toBe('ACTIVE');
    expect((await action(id, 'retire')).body.status).toBe('RETIRED');
    const final = await action(id, 'activate');
    expect(final.status).toBe(409);
    expect(final.body.code).toBe('PRODUCT_TRANSITION_NOT_ALLOWED');
    const edit = await api.call<Problem>('PUT', `/products/${id}`, {
      body: savingsDefinition('LIFE_1'),
    });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('PRODUCT_RETIRED');
    const events = await api.call<{ items: { action: string }[] }>(
      'GET',
      `/audit/events?entityType=PRODUCT&entityId=${id}`,
    );
    expect(events.body.items.map((e) => e.action).sort()).toEqual(
      [
        'PRODUCT_CREATED',
        'PRODUCT_ACTIVATED',
        'PRODUCT_SUSPENDED',
        'PRODUCT_ACTIVATED',
        'PRODUCT_RETIRED',
      ].sort(),
    );
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(verify.body.valid).toBe(true);
  });

  it('versions every edit and keeps the history readable', async () => {
    const { id } = (await create(savingsDefinition('VERS_1'))).body;
    await action(id, 'activate');
    const edited = await api.call<ProductBody>('PUT', `/products/${id}`, {
      body: savingsDefinition('VERS_1', { name: 'Tiered saver plus' }),
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, currentVersion: 2, status: 'ACTIVE' });
    const v1 = await api.call<ProductBody>('GET', `/products/${id}?version=1`);
    expect(v1.body.definition.name).toBe('Tiered saver');
    expect(v1.body.currentVersion).toBe(2);
    const current = await api.call<ProductBody>('GET', `/products/${id}`);
    expect(current.body.definition.name).toBe('Tiered saver plus');
    const versions = await api.call<{ items: { version: number }[] }>(
      'GET',
      `/products/${id}/versions`,
    );
    expect(versions.body.items.map((v) => v.version)).toEqual([1, 2]);
    expect((await api.call<Problem>('GET', `/products/${id}?version=3`)).status).toBe(404);
    const typeChange = await api.call<Problem>('PUT', `/products/${id}`, {
      body: { ...savingsDefinition('VERS_1'), type: 'CHECKING' },
    });
    expect(typeChange.status).toBe(422);
    expect(typeChange.body.code).toBe('PRODUCT_DEFINITION_INVALID');
    const codeChange = await api.call<Problem>('PUT', `/products/${id}`, {
      body: savingsDefinition('VERS_2'),
    });
    expect(codeChange.body.code).toBe('PRODUCT_DEFINITION_INVALID');
  });

  it('lists with type and status filters and cursor pagination', async () => {
    for (const code of ['PAGE_A', 'PAGE_B', 'PAGE_C']) {
      await create(savingsDefinition(code, { type: 'CHECKING', interest: undefined }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page: { body: { items: ProductBody[]; nextCursor: string | null } } = await api.call(
        'GET',
        `/products?type=CHECKING&status=DRAFT&limit=2${query}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item) => String(item.definition.code)));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(['PAGE_A', 'PAGE_B', 'PAGE_C']);
  });

  it('shows fees with their charge on an amount, and the tier a balance reaches', async () => {
    const { id } = (await create(savingsDefinition('VIEW_1'))).body;
    const fees = await api.call<{ items: { name: string; charge?: { amount: string } }[] }>(
      'GET',
      `/products/${id}/fees?amount=2000.00`,
    );
    expect(fees.status).toBe(200);
    expect(fees.body.items.map((fee) => [fee.name, fee.charge?.amount])).toEqual([
      ['Withdrawal fee', '1.50'],
      ['Large withdrawal', '2.00'],
    ]);
    const capped = await api.call<{ items: { charge?: { amount: string } }[] }>(
      'GET',
      `/products/${id}/fees?amount=9000.00`,
    );
    expect(capped.body.items[1]?.charge?.amount).toBe('5.00');
    const rate = await api.call<{ appliedTier: number; effectiveRate: string }>(
      'GET',
      `/products/${id}/interest-rate?balance=25000.00`,
    );
    expect(rate.status).toBe(200);
    expect(rate.body).toMatchObject({ appliedTier: 1, effectiveRate: '0.02' });
    const bad = await api.call<Problem>('GET', `/products/${id}/interest-rate?balance=1.001`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses hostile and inconsistent definitions with 400 problem+json and no product', async () => {
    const before = await api.call<{ items: unknown[] }>('GET', '/products?limit=200');
    const hostile: unknown[] = [
      { ...savingsDefinition('BAD_1'), currency: 'XXX1' },
      { ...savingsDefinition('BAD_2'), interest: { rate: 5.25, dayCount: 'ACTUAL_365' } },
      { ...savingsDefinition('BAD_3'), interest: { rate: '12', dayCount: 'ACTUAL_365' } },
      { ...savingsDefinition('BAD_4'), unknown: true },
      { ...savingsDefinition('BAD_5'), type: 'LOAN' },
      {
        ...savingsDefinition('BAD_6'),
        termDeposit: { earlyWithdrawalPenalty: { type: 'FORFEIT_DAYS', days: 30 } },
      },
      {
        // No closing fee: accounts close at a zero balance (docs/products.md)
        ...savingsDefinition('BAD_CLOSE'),
        fees: [
          {
            type: 'FIXED',
            name: 'Closing',
            trigger: 'EARLY_CLOSURE',
            amount: { amount: '10.00', currency: 'USD' },
          },
        ],
      },
      {
        ...savingsDefinition('BAD_7'),
        fees: [
          {
            type: 'FIXED',
            name: 'x',
            trigger: 'WITHDRAWAL',
            amount: { amount: '1.00', currency: 'EUR' },
          },
        ],
      },
      {
        ...savingsDefinition('BAD_8'),
        fees: [
          {
            type: 'FIXED',
            name: 'x',
            trigger: 'WITHDRAWAL',
            amount: { amount: '1.001', currency: 'USD' },
          },
        ],
      },
      { ...savingsDefinition('bad lower'), name: 'x' },
      { ...savingsDefinition('BAD_9'), limits: { minTermMonths: 12, maxTermMonths: 6 } },
      '{"code": "BAD_10", "__proto__": {"x": 1}}',
    ];
    for (const body of hostile) {
      const response = await api.call<Problem>('POST', '/products', {
        body,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    const after = await api.call<{ items: unknown[] }>('GET', '/products?limit=200');
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('lets only product permissions change products; others read the catalogue', async () => {
    const teller = await api.tokenFor(['TELLER']);
    const denied = await api.call<Problem>('POST', '/products', {
      body: savingsDefinition('TELLER_1'),
      token: teller,
    });
    expect(denied.status).toBe(403);
    const read = await api.call('GET', '/products', { token: teller });
    expect(read.status).toBe(200);
    const { id } = (await create(savingsDefinition('PERM_1'))).body;
    const manager = await api.tokenFor(['BRANCH_MANAGER']);
    expect((await api.call('POST', `/products/${id}/activate`, { token: manager })).status).toBe(
      403,
    );
    expect((await api.call('GET', `/products/${id}`, { token: null })).status).toBe(401);
  });
});
