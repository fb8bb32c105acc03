import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApi, type TestApi } from '../../support/api-client';

describe('KYC decisions', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('kyc');
  });
  afterAll(async () => api.close());

  it('records status and tier, audited on the customer chain', async () => {
    const created = await api.call<{ id: string; kycStatus: string }>('POST', '/customers', {
      body: { firstName: 'Ada', lastName: 'Byron', email: 'ada.byron@example.com' },
    });

    const decided = await api.call<{ kycStatus: string; kycTier: number; email: string }>(
      'PUT',
      `/customers/${created.body.id}/kyc`,
      { body: { status: 'VERIFIED', tier: 2 } },
    );
    const read = await api.call<{ kycStatus: string; kycTier: number }>(
      'GET',
      `/customers/${created.body.id}`,
    );
    const audit = await api.call<{ items: { action: string; data: Record<string, string> }[] }>(
      'GET',
      `/audit/events?entityType=CUSTOMER&entityId=${created.body.id}`,
    );
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');

    expect(created.body.kycStatus).toBe('PENDING');
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      kycStatus: 'VERIFIED',
      kycTier: 2,
      email: 'ada.byron@example.com',
    });
    expect(read.body).toMatchObject({ kycStatus: 'VERIFIED', kycTier: 2 });
    expect(audit.body.items[0]).toMatchObject({
      action: 'KYC_STATUS_CHANGED',
      data: { fromStatus: 'PENDING', toStatus: 'VERIFIED', toTier: '2' },
    });
    expect(JSON.stringify(audit.body)).not.toContain('ada.byron');
    expect(verify.body.valid).toBe(true);
  });

  it('refuses unknown customers, unknown statuses and tiers out of range', async () => {
    const unknown = await api.call('PUT', '/customers/01ZZZZZZZZZZZZZZZZZZZZZZZZ/kyc', {
      body: { status: 'VERIFIED', tier: 1 },
    });
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Bo', lastName: 'Ng', email: 'bo.ng@example.com' },
    });
    const badStatus = await api.call('PUT', `/customers/${created.body.id}/kyc`, {
      body: { status: 'APPROVED', tier: 1 },
    });
    const badTier = await api.call('PUT', `/customers/${created.body.id}/kyc`, {
      body: { status: 'VERIFIED', tier: 9 },
    });

    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CUSTOMER_NOT_FOUND');
    expect(badStatus.status).toBe(400);
    expect(badTier.status).toBe(400);
  });
});
