import { describe, expect, it } from '@jest/globals';
import {
  ApiError,
  apiErrorFrom,
  problemBody,
  problemByCode,
} from '../../../../shared/http/error-responses';

describe('error responses', () => {
  it('renders RFC 9457 problem details with a stable code and type', () => {
    const error = new ApiError('VALIDATION_FAILED', 'amount: invalid', {
      errors: [{ path: 'amount', message: 'invalid' }],
    });

    expect(problemBody(error, 'req-1')).toEqual({
      type: 'https://nexum.dev/problems/validation-failed',
      title: 'The request is not valid',
      status: 400,
      detail: 'amount: invalid',
      code: 'VALIDATION_FAILED',
      requestId: 'req-1',
      errors: [{ path: 'amount', message: 'invalid' }],
    });
  });

  it('maps every code to a 4xx or 5xx status', () => {
    for (const { status } of Object.values(problemByCode)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
    expect(problemByCode.IDEMPOTENCY_KEY_REUSED.status).toBe(422);
    expect(problemByCode.IDEMPOTENCY_REQUEST_IN_PROGRESS.status).toBe(409);
  });

  it('describes a domain failure without internals', () => {
    const error = apiErrorFrom({ code: 'NOT_FOUND', entity: 'Account', id: 'A1' });

    expect(error.status).toBe(404);
    expect(error.detail).toBe('Account A1 does not exist');
  });
});
