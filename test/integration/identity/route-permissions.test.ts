import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { systemRoleNames, systemRolePermissions } from '../../../shared/domain/identity/roles';
import { routeList } from '../../../shared/contracts/routes';
import { localSigningKeys } from '../../../shared/infrastructure/identity/jose-token-service';
import { createTestApi, type TestApi } from '../../support/api-client';

/** A concrete path for a route template: every parameter becomes a well-formed unknown id. */
const concrete = (path: string) =>
  path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === 'asset' ? 'swagger-ui.css' : '01ZZZZZZZZZZZZZZZZZZZZZZZZ',
  );

/** A custom role with a mixed handful of permissions, checked like the system roles. */
const customPermissions = ['VIEW_ACCOUNT', 'CREATE_CUSTOMER', 'MANAGE_ROLES', 'VIEW_AUDIT_LOG'];

// Generated from the route table: a route added later is covered without touching this file.
describe('every route × every system role and a custom role', () => {
  let api: TestApi;
  const tokens = new Map<string, string>();
  const granted = new Map<string, readonly string[]>(
    systemRoleNames.map((role) => [role, systemRolePermissions[role]]),
  );

  beforeAll(async () => {
    api = await createTestApi('permissions');
    for (const role of systemRoleNames) tokens.set(role, await api.tokenFor([role]));
    const custom = await api.call<{ id: string }>('POST', '/rbac/roles', {
      body: { name: 'MATRIX_CLERK', permissions: customPermissions },
    });
    granted.set('MATRIX_CLERK', customPermissions);
    tokens.set('MATRIX_CLERK', await api.tokenFor([custom.body.id]));
  }, 120_000);
  afterAll(async () => api.close());

  const protectedRoutes = routeList().filter((route) => route.permission !== 'public');

  it.each(routeList().map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: allows exactly the roles that hold its permission',
    async (_name, route) => {
      for (const [role, permissions] of granted) {
        const response = await api.call(route.method, concrete(route.path), {
          token: tokens.get(role) ?? null,
        });
        const allowed =
          route.permission === 'public' ||
          route.permission === 'authenticated' ||
          permissions.includes(route.permission);
        if (allowed) {
          expect([401, 403]).not.toContain(response.status);
        } else {
          expect({ role, status: response.status, code: response.body.code }).toEqual({
            role,
            status: 403,
            code: 'FORBIDDEN',
          });
        }
      }
    },
  );

  it.each(protectedRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: refuses a caller without a token with 401',
    async (_name, route) => {
      const response = await api.call(route.method, concrete(route.path), { token: null });

      expect(response.status).toBe(401);
      expect(response.body.code).toBe('UNAUTHENTICATED');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    },
  );
});

describe('access tokens', () => {
  let api: TestApi;
  let admin: string;
  beforeAll(async () => {
    api = await createTestApi('tokens');
    admin = await api.tokenFor(['ADMIN']);
  });
  afterAll(async () => api.close());

  const callWith = (token: string) => api.call('GET', '/ledger/trial-balance', { token });
  const keyPath = () => String(api.table.environment.jwtKeyPath);
  const claims = { username: 'mallory', roles: ['ADMIN'] };

  it('accepts a valid token', async () => {
    expect((await callWith(admin)).status).toBe(200);
  });

  it.each([
    ['garbage', 'not-a-token'],
    [
      'a token with alg none',
      `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', ...claims })).toString('base64url')}.`,
    ],
  ])('refuses %s', async (_label, token) => {
    expect((await callWith(token)).status).toBe(401);
  });

  it('refuses a token whose payload was altered', async () => {
    const [header, payload, signature] = admin.split('.');
    const forged = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const altered = Buffer.from(JSON.stringify({ ...forged, roles: ['ADMIN', 'X'] })).toString(
      'base64url',
    );

    expect((await callWith(`${header}.${altered}.${signature}`)).status).toBe(401);
  });

  it('refuses expired tokens, tokens for another audience, and tokens signed with HS256', async () => {
    const keys = await localSigningKeys(keyPath());
    const base = () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
        .setSubject('u1')
        .setIssuedAt()
        .setNotBefore('0s');
    const expired = await base()
      .setIssuer('nexum:test')
      .setAudience('nexum-api:test')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(keys.privateKey);
    const otherAudience = await base()
      .setIssuer('nexum:test')
      .setAudience('nexum-api:other-bank')
      .setExpirationTime('5m')
      .sign(keys.privateKey);
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer('nexum:test')
      .setAudience('nexum-api:test')
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-guessable-shared-secret-of-32-bytes!'));

    for (const token of [expired, otherAudience, hmac])
      expect((await callWith(token)).status).toBe(401);
  });
});

describe('sign-in', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('signin');
    await api.tokenFor(['TELLER']);
  });
  afterAll(async () => api.close());

  const login = (username: string, password: string) =>
    api.call<{ accessToken?: string; refreshToken?: string; code?: string; detail?: string }>(
      'POST',
      '/auth/login',
      {
        token: null,
        body: { username, password },
      },
    );

  it('answers unknown users and wrong passwords alike', async () => {
    const unknown = await login('nobody-here', 'Whatever-Passw0rd!');
    const wrong = await login('admin', 'Wrong-Passw0rd!!');

    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    expect(unknown.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('locks a user after five consecutive failures, even against the right password', async () => {
    const token = await api.tokenFor(['TELLER']);
    const me = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      username: string;
    };
    for (let attempt = 0; attempt < 5; attempt += 1) await login(me.username, 'Wrong-Passw0rd!!');

    const locked = await login(me.username, 'Test-Secret-Passw0rd!');

    expect(locked.status).toBe(401);
  });

  it('rotates refresh tokens and revokes the family when an old one is replayed', async () => {
    const first = await login('admin', 'Test-Secret-Passw0rd!');
    const refreshToken = String(first.body.refreshToken);

    const rotated = await api.call<{ refreshToken: string }>('POST', '/auth/refresh', {
      token: null,
      body: { refreshToken },
    });
    const replayed = await api.call('POST', '/auth/refresh', {
      token: null,
      body: { refreshToken },
    });
    const afterReplay = await api.call('POST', '/auth/refresh', {
      token: null,
      body: { refreshToken: rotated.body.refreshToken },
    });

    expect(rotated.status).toBe(200);
    expect(replayed.status).toBe(401);
    expect(afterReplay.status).toBe(401);
  });

  it('logs out by revoking the refresh token family', async () => {
    const session = await login('admin', 'Test-Secret-Passw0rd!');

    const out = await api.call('POST', '/auth/logout', {
      token: String(session.body.accessToken),
      body: { refreshToken: String(session.body.refreshToken) },
    });
    const refreshed = await api.call('POST', '/auth/refresh', {
      token: null,
      body: { refreshToken: String(session.body.refreshToken) },
    });

    expect(out.status).toBe(204);
    expect(refreshed.status).toBe(401);
  });

  it('changes a password only with the current one and within the policy', async () => {
    const token = await api.tokenFor(['READ_ONLY']);

    const weak = await api.call('POST', '/auth/change-password', {
      token,
      body: { currentPassword: 'Test-Secret-Passw0rd!', newPassword: 'short' },
    });
    const wrongCurrent = await api.call('POST', '/auth/change-password', {
      token,
      body: { currentPassword: 'Not-The-Passw0rd!', newPassword: 'A-Much-Better-Passw0rd!' },
    });
    const changed = await api.call('POST', '/auth/change-password', {
      token,
      body: { currentPassword: 'Test-Secret-Passw0rd!', newPassword: 'A-Much-Better-Passw0rd!' },
    });

    expect(weak.body.code).toBe('PASSWORD_POLICY_VIOLATION');
    expect(wrongCurrent.status).toBe(401);
    expect(changed.status).toBe(204);
  });
});
