import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { appendToChain, GENESIS } from '../../../shared/application/audit/audit-chain';
import { personalFieldsOf } from '../../../shared/application/customer-records';
import type { StoredCustomer } from '../../../shared/application/ledger/records';
import { createTestApi, type TestApi } from '../../support/api-client';

type Page<T> = { items: T[]; nextCursor: string | null };
interface Status {
  currentKeyVersion: string;
  keyVersions: string[];
  customersByKeyVersion: Record<string, number>;
  legacyCustomers: number;
  pendingRewrap: number;
  lastRotation: {
    id: string;
    keyVersion: string;
    completedAt?: string;
    rewrapped: number;
    failed: number;
  } | null;
}

/** A customer written as before subject keys: own data key, email index on GSI2. */
async function legacyCustomer(api: TestApi, id: string, email: string): Promise<void> {
  const now = new Date().toISOString();
  const audited = appendToChain(GENESIS, {
    chainId: `CUSTOMER#${id}`,
    at: now,
    entityType: 'CUSTOMER',
    entityId: id,
    action: 'CUSTOMER_CREATED',
    actor: 'test',
    data: { kycStatus: 'PENDING' },
  });
  const customer: StoredCustomer = {
    id,
    externalId: undefined,
    status: 'ACTIVE',
    kycStatus: 'PENDING',
    kycTier: 0,
    kycVerifiedAt: undefined,
    kycExpiresAt: undefined,
    version: 1,
    audit: audited.head,
    createdAt: now,
    updatedAt: now,
    erasedAt: undefined,
    pii: await api.deps.cipher.seal(
      id,
      personalFieldsOf({ firstName: 'Old', lastName: 'Format', email, phone: '+15550001111' }),
    ),
    subjectKey: undefined,
    beneficiaries: [],
    lookups: {},
    emailIndex: await api.deps.blindIndex.indexOf('email', email),
  };
  const result = await api.deps.ledger.commit([
    { kind: 'createCustomer', customer },
    { kind: 'registerChain', chainId: `CUSTOMER#${id}`, entityType: 'CUSTOMER', entityId: id },
    { kind: 'appendAudit', record: audited.record },
  ]);
  if (!result.committed) throw new Error('legacy customer not written');
}

describe('PII key rotation', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('rotation');
  });
  afterAll(async () => api.close());

  it('re-wraps every customer key under the new version and migrates old-format customers', async () => {
    // Prepare: customers under the current version, one with beneficiaries, and a legacy one.
    const stamp = Date.now().toString(36);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const created = await api.call<{ id: string }>('POST', '/customers', {
        body: { firstName: `Rot${i}`, lastName: 'Ation', email: `rot${i}.${stamp}@example.com` },
      });
      ids.push(created.body.id);
    }
    await api.call('POST', `/customers/${ids[0]}/beneficiaries`, {
      body: { name: 'Heir Apparent', relationship: 'CHILD', percentage: '50' },
    });
    const legacyId = `01LEGACY${stamp.toUpperCase().padStart(18, '0')}`.slice(0, 26);
    const legacyEmail = `legacy.${stamp}@example.com`;
    await legacyCustomer(api, legacyId, legacyEmail);
    const before = await api.call<Status>('GET', '/encryption/status');
    const oldVersion = before.body.currentKeyVersion;

    // Act
    const started = await api.call<{ rotationId: string; keyVersion: string }>(
      'POST',
      '/encryption/rotate-key',
    );
    await api.deps.jobs.idle();

    // Assess
    const status = await api.call<Status>('GET', '/encryption/status');
    expect(before.body.legacyCustomers).toBe(1);
    expect(before.body.customersByKeyVersion[oldVersion]).toBe(12);
    expect(started.status).toBe(202);
    expect(started.body.keyVersion).not.toBe(oldVersion);
    expect(status.body.currentKeyVersion).toBe(started.body.keyVersion);
    expect(status.body.keyVersions).toEqual(
      expect.arrayContaining([oldVersion, started.body.keyVersion]),
    );
    expect(status.body.customersByKeyVersion[oldVersion]).toBe(0);
    expect(status.body.customersByKeyVersion[started.body.keyVersion]).toBe(13);
    expect(status.body.legacyCustomers).toBe(0);
    expect(status.body.pendingRewrap).toBe(0);
    expect(status.body.lastRotation).toMatchObject({
      id: started.body.rotationId,
      rewrapped: 13,
      failed: 0,
      completedAt: expect.any(String),
    });
    for (const id of ids) {
      const read = await api.call<{ firstName: string }>('GET', `/customers/${id}`);
      expect(read.status).toBe(200);
      expect(read.body.firstName).toMatch(/^Rot\d+$/);
    }
    const heirs = await api.call<Page<{ name: string }>>(
      'GET',
      `/customers/${ids[0]}/beneficiaries`,
    );
    expect(heirs.body.items.map((b) => b.name)).toEqual(['Heir Apparent']);

    // The legacy customer now has a subject key and lookup entries, and reads as before.
    const raw = await api.table.client.send(
      new GetCommand({
        TableName: api.table.tableName,
        Key: { pk: `CUSTOMER#${legacyId}`, sk: 'CUSTOMER' },
      }),
    );
    const legacy = await api.call<{ email: string; phone: string }>(
      'GET',
      `/customers/${legacyId}`,
    );
    const byEmail = await api.call<Page<{ id: string }>>(
      'GET',
      `/customers?email=${encodeURIComponent(legacyEmail)}`,
    );
    const byPhone = await api.call<Page<{ id: string }>>('GET', '/customers?phone=15550001111');
    expect(raw.Item?.subjectKey).toBeDefined();
    expect((raw.Item?.pii as { v?: string }).v).toBe('2');
    expect(raw.Item?.gsi2pk).toBeUndefined();
    expect(legacy.body).toMatchObject({ email: legacyEmail, phone: '+15550001111' });
    expect(byEmail.body.items.map((c) => c.id)).toEqual([legacyId]);
    expect(byPhone.body.items.map((c) => c.id)).toEqual([legacyId]);
    // Rotation is audited; the audit chains still verify.
    const audit = await api.call<Page<{ action: string; data: Record<string, string> }>>(
      'GET',
      '/audit/events?entityType=ENCRYPTION_KEY&entityId=pii',
    );
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(audit.body.items[0]).toMatchObject({
      action: 'PII_KEY_ROTATED',
      data: { rotationId: started.body.rotationId, keyVersion: started.body.keyVersion },
    });
    expect(verify.body.valid).toBe(true);
  });

  it('keeps customers readable through a second rotation, and lets a concurrent update win', async () => {
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Twice', lastName: 'Rotated', email: `twice.${Date.now()}@example.com` },
    });
    const first = await api.call<{ keyVersion: string }>('POST', '/encryption/rotate-key');
    // An update racing the job: whichever commits first, the other re-reads; nothing is lost.
    const update = api.call('PUT', `/customers/${created.body.id}`, {
      body: { firstName: 'Twice', lastName: 'Renamed', email: 'twice.renamed@example.com' },
    });
    const second = await api.call<{ keyVersion: string }>('POST', '/encryption/rotate-key');
    const updated = await update;
    await api.deps.jobs.idle();

    const read = await api.call<{ lastName: string }>('GET', `/customers/${created.body.id}`);
    const status = await api.call<Status>('GET', '/encryption/status');
    const stored = await api.deps.ledger.getCustomer(created.body.id);

    expect(updated.status).toBe(200);
    expect(read.body.lastName).toBe('Renamed');
    expect(status.body.currentKeyVersion).toBe(second.body.keyVersion);
    expect(status.body.pendingRewrap).toBe(0);
    expect(status.body.customersByKeyVersion[first.body.keyVersion]).toBe(0);
    expect(stored?.subjectKey?.dataKey.keyVersion).toBe(second.body.keyVersion);
  });

  it('never clobbers an update: a re-wrap planned from an older read does not commit', async () => {
    const created = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Stale', lastName: 'Read', email: `stale.${Date.now()}@example.com` },
    });
    const stale = await api.deps.ledger.getCustomer(created.body.id);
    if (stale?.subjectKey === undefined) throw new Error('no subject key');
    await api.call('PUT', `/customers/${created.body.id}`, {
      body: { firstName: 'Fresh', lastName: 'Write', email: 'fresh@example.com' },
    });

    const result = await api.deps.ledger.commit([
      {
        kind: 'updateCustomer',
        before: stale,
        after: { ...stale, subjectKey: await api.deps.vault.rewrap(stale.id, stale.subjectKey) },
      },
    ]);
    const read = await api.call<{ firstName: string }>('GET', `/customers/${created.body.id}`);

    expect(result).toEqual({ committed: false, reason: 'stale' });
    expect(read.body.firstName).toBe('Fresh');
  });

  it('is for SYSTEM_CONFIG holders only', async () => {
    const manager = await api.tokenFor(['BRANCH_MANAGER']);
    const rotate = await api.call('POST', '/encryption/rotate-key', { token: manager });
    const status = await api.call('GET', '/encryption/status', { token: manager });
    const body = await api.call('POST', '/encryption/rotate-key', { body: { now: true } });

    expect(rotate.status).toBe(403);
    expect(status.status).toBe(403);
    expect(body.status).toBe(400);
  });
});
