import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { segmentOf } from '../../../shared/application/interest/deposit-interest';
import {
  accrueStep,
  runEndOfDay,
  startEndOfDay,
} from '../../../shared/application/interest/end-of-day';
import { maintenanceFeeStep } from '../../../shared/application/products/maintenance-fees';
import type { BusinessDate } from '../../../shared/domain/interest/business-date';
import {
  aVerifiedCustomer,
  balanceOf,
  createTestApi,
  type TestApi,
} from '../../support/api-client';
import { savingsDefinition } from '../../support/products';

type Money = { amount: string; currency: string };
interface AccountBody {
  id: string;
  status: string;
  balance: Money;
  productType: string;
  productId?: string;
  productVersion?: number;
  code?: string;
  detail?: string;
}
interface TrialBalance {
  currencies: { currency: string; accounts: { code: string; credits: string }[] }[];
}

describe('accounts opened from products', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('product-accounts');
  });
  afterAll(async () => api.close());

  const newProduct = async (body: unknown, activate = true) => {
    const created = await api.call<{ id: string }>('POST', '/products', { body });
    if (created.status !== 201) throw new Error(created.raw);
    if (activate) await api.call('POST', `/products/${created.body.id}/activate`);
    return created.body.id;
  };
  const openOn = async (productId: string, customerId: string, extra = {}) =>
    api.call<AccountBody>('POST', '/accounts', {
      body: { customerId, productId, currency: 'USD', ...extra },
    });
  const deposit = async (accountId: string, amount: string) => {
    const done = await api.call('POST', '/transactions/deposit', {
      body: { accountId, amount, currency: 'USD' },
    });
    if (done.status !== 201) throw new Error(done.raw);
  };
  const feeIncome = async () => {
    const trial = (await api.call<TrialBalance>('GET', '/ledger/trial-balance')).body;
    return (
      trial.currencies.find((c) => c.currency === 'USD')?.accounts.find((a) => a.code === '4100')
        ?.credits ?? '0.00'
    );
  };

  it('opens the productType shortcut on the seeded default product', async () => {
    const customerId = await aVerifiedCustomer(api);
    const defaults = await api.call<{ items: { id: string; definition: { code: string } }[] }>(
      'GET',
      '/products?type=CHECKING',
    );
    const checking = defaults.body.items.find((p) => p.definition.code === 'DEFAULT_CHECKING');
    const opened = await api.call<AccountBody>('POST', '/accounts', {
      body: { customerId, productType: 'CHECKING', currency: 'EUR' },
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      productType: 'CHECKING',
      productId: checking?.id,
      productVersion: 1,
    });
    const plain = await api.call<AccountBody>('POST', '/accounts', {
      body: { customerId, currency: 'USD' },
    });
    expect(plain.body.productType).toBe('SAVINGS');
  });

  it('keeps each account on the version it opened with; accrual reads that version', async () => {
    const productId = await newProduct(savingsDefinition('ACCRUE_1'));
    const customerId = await aVerifiedCustomer(api);
    const onV1 = (await openOn(productId, customerId)).body;
    expect(onV1.productVersion).toBe(1);
    const edited = await api.call('PUT', `/products/${productId}`, {
      body: savingsDefinition('ACCRUE_1', {
        interest: { rate: '0.04', dayCount: 'ACTUAL_365' },
      }),
    });
    expect(edited.status).toBe(200);
    const onV2 = (await openOn(productId, customerId)).body;
    expect(onV2.productVersion).toBe(2);
    expect((await api.call<AccountBody>('GET', `/accounts/${onV1.id}`)).body.productVersion).toBe(
      1,
    );
    await deposit(onV1.id, '20000.00');
    await deposit(onV2.id, '20000.00');
    const date = new Date().toISOString().slice(0, 10) as BusinessDate;
    for (const id of [onV1.id, onV2.id]) {
      await accrueStep.run(api.deps, date, segmentOf(id), undefined, async () => undefined);
    }
    // v1: tiers, 20,000 reaches the 2 % tier: 20,000 × 2 % / 365 = 1.0958… → 1.10
    expect((await api.deps.interest.getInterestState(onV1.id))?.bookedMinor).toBe(110n);
    // v2: flat 4 %: 2.1917… → 2.19
    expect((await api.deps.interest.getInterestState(onV2.id))?.bookedMinor).toBe(219n);
  });

  it('charges the WITHDRAWAL fees in the same posting, to fee income', async () => {
    const productId = await newProduct(savingsDefinition('FEES_1'));
    const customerId = await aVerifiedCustomer(api);
    const account = (await openOn(productId, customerId)).body;
    await deposit(account.id, '3000.00');
    const incomeBefore = await feeIncome();
    const withdrawn = await api.call<{ journalEntryId: string; amount: Money }>(
      'POST',
      '/transactions/withdraw',
      { body: { accountId: account.id, amount: '2000.00', currency: 'USD' } },
    );
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.body.amount.amount).toBe('2000.00');
    // 1.50 fixed + 0.1 % of 2,000 (2.00, within 0.10..5.00)
    expect(
      (await api.call<AccountBody>('GET', `/accounts/${account.id}`)).body.balance.amount,
    ).toBe('996.50');
    const entry = await api.call<{
      lines: { account: { code?: string }; side: string; amount: Money }[];
    }>('GET', `/ledger/journal-entries/${withdrawn.body.journalEntryId}`);
    expect(
      entry.body.lines.map((l) => [l.account.code ?? 'customer', l.side, l.amount.amount]),
    ).toEqual([
      ['customer', 'DEBIT', '2003.50'],
      ['1000', 'CREDIT', '2000.00'],
      ['4100', 'CREDIT', '3.50'],
    ]);
    expect(Math.round(Number(await feeIncome()) * 100 - Number(incomeBefore) * 100)).toBe(350);
    const short = await api.call<AccountBody>('POST', '/transactions/withdraw', {
      body: { accountId: account.id, amount: '995.00', currency: 'USD' },
    });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('INSUFFICIENT_FUNDS');
  });

  it('charges MONTHLY_MAINTENANCE at month end only, once', async () => {
    const productId = await newProduct({
      code: 'MAINT_1',
      name: 'Current account with a fee',
      type: 'CHECKING',
      currency: 'USD',
      fees: [
        {
          type: 'FIXED',
          name: 'Maintenance',
          trigger: 'MONTHLY_MAINTENANCE',
          amount: { amount: '5.00', currency: 'USD' },
        },
      ],
    });
    const customerId = await aVerifiedCustomer(api);
    const account = (await openOn(productId, customerId)).body;
    const broke = (await openOn(productId, customerId)).body;
    await deposit(account.id, '100.00');
    await deposit(broke.id, '3.00');
    const run = async (date: string) => {
      for (const id of [account.id, broke.id]) {
        await maintenanceFeeStep.run(
          api.deps,
          date as BusinessDate,
          segmentOf(id),
          undefined,
          async () => undefined,
        );
      }
    };
    await run('2026-06-29');
    expect(await balanceOf(api, account.id)).toBe('100.00');
    await run('2026-06-30');
    await run('2026-06-30');
    expect(await balanceOf(api, account.id)).toBe('95.00');
    expect(await balanceOf(api, broke.id)).toBe('3.00');
    await run('2026-07-31');
    expect(await balanceOf(api, account.id)).toBe('90.00');
  });

  it('runs the fees and term deposit steps in the end-of-day pipeline', async () => {
    const set = await api.call('PUT', '/admin/business-date', { body: { date: '2026-09-30' } });
    expect(set.status).toBe(200);
    const productId = await newProduct({
      code: 'MAINT_EOD',
      name: 'Current account with a percentage fee',
      type: 'CHECKING',
      currency: 'USD',
      fees: [
        {
          type: 'PERCENTAGE',
          name: 'Maintenance',
          trigger: 'MONTHLY_MAINTENANCE',
          rate: '0.001',
          minimum: { amount: '1.00', currency: 'USD' },
        },
      ],
    });
    const account = (await openOn(productId, await aVerifiedCustomer(api))).body;
    await deposit(account.id, '2500.00');
    const started = await startEndOfDay(api.deps, '2026-09-30' as BusinessDate);
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const run = await runEndOfDay(api.deps, started.value);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.steps).toEqual(['accrue', 'post', 'maintenance-fees', 'term-deposits', 'loans']);
    // 0.1 % of 2,500.00 = 2.50 (above the 1.00 minimum)
    expect(
      (await api.call<AccountBody>('GET', `/accounts/${account.id}`)).body.balance.amount,
    ).toBe('2497.50');
  });

  it('refuses products that are not open for business or do not fit, with stable codes', async () => {
    const customerId = await aVerifiedCustomer(api, 1);
    const draft = await newProduct(savingsDefinition('ELIG_DRAFT'), false);
    const refusedDraft = await openOn(draft, customerId);
    expect(refusedDraft.status).toBe(422);
    expect(refusedDraft.body.code).toBe('PRODUCT_NOT_ACTIVE');
    const suspended = await newProduct(savingsDefinition('ELIG_SUSP'));
    await api.call('POST', `/products/${suspended}/suspend`);
    expect((await openOn(suspended, customerId)).body.code).toBe('PRODUCT_NOT_ACTIVE');
    const premium = await newProduct(savingsDefinition('ELIG_KYC', { minimumKycTier: 2 }));
    const lowTier = await openOn(premium, customerId);
    expect(lowTier.status).toBe(422);
    expect(lowTier.body.code).toBe('PRODUCT_NOT_ELIGIBLE');
    expect(lowTier.body.detail).toContain('KYC_TIER_TOO_LOW');
    const euro = await openOn(premium, await aVerifiedCustomer(api, 2), { currency: 'EUR' });
    expect(euro.body.detail).toContain('CURRENCY');
    const mismatch = await openOn(premium, await aVerifiedCustomer(api, 2), {
      productType: 'CHECKING',
    });
    expect(mismatch.body.detail).toContain('PRODUCT_TYPE_MISMATCH');
    const loanProduct = await newProduct({
      code: 'ELIG_LOAN',
      name: 'A loan',
      type: 'LOAN',
      currency: 'USD',
      loan: { amortizationMethods: ['EQUAL_INSTALLMENT'], paymentFrequencies: ['MONTHLY'] },
    });
    expect((await openOn(loanProduct, customerId)).body.detail).toContain('NOT_AN_ACCOUNT_PRODUCT');
    const missing = await openOn('01NOSUCHPRODUCT', customerId);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('PRODUCT_NOT_FOUND');
    const ok = await openOn(premium, await aVerifiedCustomer(api, 2));
    expect(ok.status).toBe(201);
    const both = await api.call<AccountBody>('POST', '/accounts', {
      body: { customerId, productId: premium, currency: 'USD', interestRate: '0.01' },
    });
    expect(both.status).toBe(400);
  });

  it('requires the minimum opening balance, funded from an own account', async () => {
    const productId = await newProduct(
      savingsDefinition('OPENING_1', {
        limits: { minOpeningBalance: { amount: '500.00', currency: 'USD' } },
      }),
    );
    const customerId = await aVerifiedCustomer(api);
    const source = (
      await api.call<AccountBody>('POST', '/accounts', {
        body: { customerId, productType: 'CHECKING', currency: 'USD' },
      })
    ).body;
    await deposit(source.id, '1000.00');
    const empty = await openOn(productId, customerId);
    expect(empty.body.detail).toContain('OPENING_BALANCE_BELOW_MINIMUM');
    const funded = await openOn(productId, customerId, {
      amount: '600.00',
      fundingAccountId: source.id,
    });
    expect(funded.status).toBe(201);
    expect(funded.body.balance.amount).toBe('600.00');
    expect(
      (await api.call<AccountBody>('GET', `/accounts/${funded.body.id}`)).body.balance.amount,
    ).toBe('600.00');
    expect((await api.call<AccountBody>('GET', `/accounts/${source.id}`)).body.balance.amount).toBe(
      '400.00',
    );
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(verify.body.valid).toBe(true);
  });
});
