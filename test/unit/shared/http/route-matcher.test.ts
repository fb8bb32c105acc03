import { describe, expect, it } from '@jest/globals';
import { createRouteMatcher } from '../../../../shared/http/route-matcher';

const routes = [
  { method: 'GET', path: '/accounts/{accountId}' },
  { method: 'POST', path: '/accounts/{accountId}/freeze' },
  { method: 'GET', path: '/accounts/search' },
  { method: 'DELETE', path: '/accounts/{accountId}/holds/{holdId}' },
] as const;

describe('createRouteMatcher', () => {
  const match = createRouteMatcher(routes);

  it('binds and decodes path parameters', () => {
    expect(match('DELETE', '/accounts/A%2F1/holds/H-9')).toEqual({
      kind: 'matched',
      route: routes[3],
      pathParameters: { accountId: 'A/1', holdId: 'H-9' },
    });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(match('GET', '/accounts/search')).toMatchObject({
      route: routes[2],
      pathParameters: {},
    });
  });

  it('tells a wrong method (405) from an unknown path (404)', () => {
    expect(match('PUT', '/accounts/A1')).toEqual({ kind: 'method-not-allowed', allowed: ['GET'] });
    expect(match('GET', '/accounts/A1/unknown')).toEqual({ kind: 'not-found' });
    expect(match('GET', '/')).toEqual({ kind: 'not-found' });
  });

  it('treats a malformed escape as no match instead of throwing', () => {
    expect(match('GET', '/accounts/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });

  it('ignores duplicate and trailing slashes like API Gateway', () => {
    expect(match('POST', '/accounts//A1/freeze/')).toMatchObject({
      kind: 'matched',
      route: routes[1],
    });
  });
});
