import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getLoan } from '../../../shared/application/lending/loans';
import {
  aLoanApplication,
  aVerifiedCustomer,
  createTestApi,
  type TestApi,
} from '../../support/api-client';

interface LoanBody {
  id: string;
  status: string;
  productId?: string;
  productVersion?: number;
  gracePeriodDays: number;
  code?: string;
  detail?: string;
}

const loanProduct = (extra: Record<string, unknown> = {}) => ({
  code: 'PERSONAL_LOAN',
  name: 'Personal loan',
  type: 'LOAN',
  currency: 'USD',
  interest: { rate: '0.12', dayCount: 'THIRTY_360' },
  limits: {
    minAmount: { amount: '1000.00', currency: 'USD' },
    maxAmount: { amount: '50000.00', currency: 'USD' },
    minTermMonths: 6,
    maxTermMonths: 60,
  },
  loan: {
    amortizationMethods: ['EQUAL_INSTALLMENT'],
    paymentFrequencies: ['MONTHLY'],
    gracePeriodDays: 10,
    lateFee: { type: 'FIXED', amount: { amount: '25.00', currency: 'USD' } },
    penaltyRate: '0.05',
    allocationOrder: ['INTEREST', 'PRINCIPAL', 'FEES', 'PENALTIES'],
  },
  minimumKycTier: 2,
  ...extra,
});

describe('loans on products', () => {
  let api: TestApi;
  let productId: string;
  beforeAll(async () => {
    api = await createTestApi('product-loans');
    const created = await api.call<{ id: string }>('POST', '/products', { body: loanProduct() });
    productId = created.body.id;
  });
  afterAll(async () => api.close());

  const apply = async (customerId: string, extra: Record<string, unknown> = {}) =>
    api.call<LoanBody>('POST', '/loans', {
      body: aLoanApplication(customerId, { productId, ...extra }),
    });

  it('opens loans only on an ACTIVE product', async () => {
    const customerId = await aVerifiedCustomer(api, 3);
    const draft = await apply(customerId);
    expect(draft.status).toBe(422);
    expect(draft.body.code).toBe('PRODUCT_NOT_ACTIVE');
    await api.call('POST', `/products/${productId}/activate`);
    const unknown = await apply(customerId, { productId: 'NO_SUCH_PRODUCT' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('PRODUCT_NOT_FOUND');
  });

  it("takes the product version's loan settings and keeps its version", async () => {
    const customerId = await aVerifiedCustomer(api, 3);
    const created = await apply(customerId);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ productId, productVersion: 1, gracePeriodDays: 10 });
    const stored = await getLoan(api.deps, created.body.id);
    expect(stored?.penaltyRate).toBe('0.05');
    expect(stored?.lateFee).toMatchObject({ type: 'FIXED' });
    expect(stored?.allocationOrder).toEqual(['INTEREST', 'PRINCIPAL', 'FEES', 'PENALTIES']);
    await api.call('PUT', `/products/${productId}`, {
      body: loanProduct({ loan: { ...loanProduct().loan, gracePeriodDays: 3 } }),
    });
    const later = await apply(customerId);
    expect(later.body).toMatchObject({ productVersion: 2, gracePeriodDays: 3 });
    expect((await getLoan(api.deps, created.body.id))?.productVersion).toBe(1);
  });

  it("refuses applications outside the product's settings with 422 LOAN_NOT_ELIGIBLE", async () => {
    const customerId = await aVerifiedCustomer(api, 3);
    const cases: [Record<string, unknown>, string][] = [
      [{ principal: '999.00' }, 'AMOUNT_BELOW_MINIMUM'],
      [{ principal: '60000.00' }, 'AMOUNT_ABOVE_MAXIMUM'],
      [{ termMonths: 3 }, 'TERM_BELOW_MINIMUM'],
      [{ termMonths: 72 }, 'TERM_ABOVE_MAXIMUM'],
      [{ amortizationMethod: 'BULLET' }, 'METHOD_NOT_ALLOWED'],
      [{ paymentFrequency: 'WEEKLY' }, 'FREQUENCY_NOT_ALLOWED'],
      [{ currency: 'EUR' }, 'CURRENCY'],
    ];
    for (const [extra, reason] of cases) {
      const refused = await apply(customerId, extra);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('LOAN_NOT_ELIGIBLE');
      expect(refused.body.detail).toContain(reason);
    }
    const lowTier = await apply(await aVerifiedCustomer(api, 1));
    expect(lowTier.body.detail).toContain('KYC_TIER_TOO_LOW');
  });
});
