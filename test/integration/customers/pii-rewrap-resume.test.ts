import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  encryptionStatus,
  resumePendingRewrap,
  rotatePiiKey,
} from '../../../shared/application/encryption';
import { createTestApi, type TestApi } from '../../support/api-client';

// In Lambda the re-wrap job started after the 202 may be frozen with its container; the
// customers function's schedule calls resumePendingRewrap until the rotation completes.
describe('resuming an interrupted PII re-wrap', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('rewrap-resume');
  });
  afterAll(async () => api.close());

  it('finishes a rotation whose job never ran, stopping and resuming on request', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const created = await api.call<{ id: string }>('POST', '/customers', {
        body: { firstName: `Res${i}`, lastName: 'Ume', email: `res${i}@example.com` },
      });
      ids.push(created.body.id);
    }
    // The rotation as a frozen container leaves it: recorded, its job never run.
    const frozen = { ...api.deps, jobs: { start: () => undefined, idle: async () => undefined } };
    const rotated = await rotatePiiKey(frozen, {
      actor: 'test',
      idempotency: undefined,
      render: () => ({ status: 202, body: '', headers: {} }),
    });
    if (!rotated.ok || rotated.value.replayed) throw new Error('rotation did not start');
    const pending = await encryptionStatus(api.deps);

    const nothingYet = await resumePendingRewrap(api.deps, () => true);
    const finished = await resumePendingRewrap(api.deps, () => false);
    const idle = await resumePendingRewrap(api.deps, () => false);
    const after = await encryptionStatus(api.deps);

    expect(pending.pendingRewrap).toBe(6);
    expect(nothingYet).toEqual({ rotationId: rotated.value.value.rotationId, outcome: 'stopped' });
    expect(finished).toEqual({ rotationId: rotated.value.value.rotationId, outcome: 'completed' });
    expect(idle).toEqual({ outcome: 'none' });
    expect(after.pendingRewrap).toBe(0);
    expect(after.lastRotation).toMatchObject({ completedAt: expect.any(String), failed: 0 });
    for (const id of ids) {
      const read = await api.call<{ firstName: string }>('GET', `/customers/${id}`);
      expect(read.body.firstName).toMatch(/^Res\d$/);
    }
  });
});
