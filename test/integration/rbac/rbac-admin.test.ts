import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  anAccount,
  createTestApi,
  TEST_ADMIN_PASSWORD,
  type TestApi,
} from '../../support/api-client';

interface UserBody {
  id: string;
  username: string;
  roles: string[];
  active: boolean;
  locked: boolean;
  email: string | null;
  fullName: string | null;
  branchId: string | null;
  version: number;
}
interface RoleBody {
  id: string;
  name: string;
  system: boolean;
  permissions: string[];
  transactionLimits: { amount: string; currency: string }[];
  memberCount: number;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

const unknownId = '01ZZZZZZZZZZZZZZZZZZZZZZZZ';
let sequence = 0;
const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36)}${(sequence += 1)}`;

/** A role through the API; returns its id. */
async function aRole(
  api: TestApi,
  permissions: readonly string[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const created = await api.call<RoleBody>('POST', '/rbac/roles', {
    body: { name: uniqueName('ROLE_').toUpperCase(), permissions, ...extra },
  });
  if (created.status !== 201) throw new Error(`role: ${created.raw}`);
  return created.body.id;
}

/** A user through the API with roles, signed in; returns its id and access token. */
async function aUser(
  api: TestApi,
  roles: readonly string[],
): Promise<{ id: string; username: string; token: string }> {
  const username = uniqueName('staff-');
  const created = await api.call<UserBody>('POST', '/rbac/users', {
    body: { username, password: TEST_ADMIN_PASSWORD, roles },
  });
  if (created.status !== 201) throw new Error(`user: ${created.raw}`);
  const token = await signIn(api, username);
  return { id: created.body.id, username, token: String(token.body.accessToken) };
}

const signIn = (api: TestApi, username: string, password = TEST_ADMIN_PASSWORD) =>
  api.call<{ accessToken?: string; code?: string }>('POST', '/auth/login', {
    token: null,
    body: { username, password },
  });

describe('roles', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('rbac-roles', { principalCacheTtlSeconds: 0 });
  });
  afterAll(async () => api.close());

  it('lists the eight seeded system roles, which are immutable', async () => {
    const listed = await api.call<{ items: RoleBody[] }>('GET', '/rbac/roles?limit=200');
    const admin = await api.call<RoleBody>('GET', '/rbac/roles/ADMIN');
    const edit = await api.call<Problem>('PUT', '/rbac/roles/TELLER', {
      body: { description: 'A cashier' },
    });
    const removal = await api.call<Problem>('DELETE', '/rbac/roles/READ_ONLY');

    expect(
      listed.body.items
        .filter((role) => role.system)
        .map((role) => role.name)
        .sort(),
    ).toEqual([
      'ADMIN',
      'AUDITOR',
      'BRANCH_MANAGER',
      'COLLECTOR',
      'COMPLIANCE_OFFICER',
      'LOAN_OFFICER',
      'READ_ONLY',
      'TELLER',
    ]);
    expect(admin.body).toMatchObject({ id: 'ADMIN', system: true });
    expect(admin.body.permissions).toHaveLength(36);
    expect([edit.status, edit.body.code]).toEqual([409, 'ROLE_IS_SYSTEM']);
    expect([removal.status, removal.body.code]).toEqual([409, 'ROLE_IS_SYSTEM']);
  });

  it('creates a custom role once per name and per idempotency key', async () => {
    const name = uniqueName('SENIOR_TELLER_').toUpperCase();
    const body = {
      name,
      description: 'Cashier with a higher limit',
      permissions: ['VIEW_ACCOUNT', 'CREATE_TRANSACTION'],
      transactionLimits: [{ amount: '5000.00', currency: 'USD' }],
    };
    const headers = { 'Idempotency-Key': `role-${name}` };

    const created = await api.call<RoleBody>('POST', '/rbac/roles', { body, headers });
    const replayed = await api.call<RoleBody>('POST', '/rbac/roles', { body, headers });
    const duplicate = await api.call<Problem>('POST', '/rbac/roles', { body });
    const read = await api.call<RoleBody>('GET', `/rbac/roles/${created.body.id}`);

    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/rbac/roles/${created.body.id}`);
    expect(created.body).toMatchObject({
      name,
      system: false,
      permissions: ['VIEW_ACCOUNT', 'CREATE_TRANSACTION'],
      transactionLimits: [{ amount: '5000.00', currency: 'USD' }],
      memberCount: 0,
    });
    expect(replayed.raw).toBe(created.raw);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect([duplicate.status, duplicate.body.code]).toEqual([409, 'ROLE_NAME_TAKEN']);
    expect(read.body).toMatchObject({ id: created.body.id, name });
  });

  it.each([
    ['a lower-case name', { name: 'teller_two', permissions: [] }],
    ['an unknown permission', { name: 'X_ROLE', permissions: ['FLY'] }],
    ['a route marker as permission', { name: 'X_ROLE', permissions: ['public'] }],
    ['a permission twice', { name: 'X_ROLE', permissions: ['VIEW_ACCOUNT', 'VIEW_ACCOUNT'] }],
    [
      'two limits in one currency',
      {
        name: 'X_ROLE',
        permissions: [],
        transactionLimits: [
          { amount: '1.00', currency: 'USD' },
          { amount: '2.00', currency: 'USD' },
        ],
      },
    ],
    [
      'a limit finer than the currency',
      { name: 'X_ROLE', permissions: [], approvalLimits: [{ amount: '1.001', currency: 'USD' }] },
    ],
    [
      'a numeric limit',
      { name: 'X_ROLE', permissions: [], transactionLimits: [{ amount: 10, currency: 'USD' }] },
    ],
    ['an unknown field', { name: 'X_ROLE', permissions: [], maxTransactionAmount: '10' }],
  ])('refuses %s with 400', async (_label, body) => {
    const response = await api.call<Problem>('POST', '/rbac/roles', { body });

    expect([response.status, response.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('grants exactly its permissions, and an edit takes effect on the next request', async () => {
    const roleId = await aRole(api, ['VIEW_CUSTOMER']);
    const clerk = await aUser(api, [roleId]);
    const customer = await api.call<{ id: string }>('POST', '/customers', {
      body: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
    });
    const newCustomer = {
      body: { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com' },
      token: clerk.token,
    };

    const view = await api.call('GET', `/customers/${customer.body.id}`, { token: clerk.token });
    const refused = await api.call<Problem>('POST', '/customers', newCustomer);
    const accounts = await api.call<Problem>('GET', `/accounts/${unknownId}`, {
      token: clerk.token,
    });
    const edited = await api.call<RoleBody>('PUT', `/rbac/roles/${roleId}`, {
      body: { permissions: ['VIEW_CUSTOMER', 'CREATE_CUSTOMER'] },
    });
    const allowed = await api.call('POST', '/customers', newCustomer);
    const narrowed = await api.call<RoleBody>('PUT', `/rbac/roles/${roleId}`, {
      body: { permissions: [] },
    });
    const revoked = await api.call<Problem>('GET', `/customers/${customer.body.id}`, {
      token: clerk.token,
    });

    expect(view.status).toBe(200);
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    expect([accounts.status, accounts.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(edited.body.permissions).toEqual(['VIEW_CUSTOMER', 'CREATE_CUSTOMER']);
    expect(allowed.status).toBe(201);
    expect(narrowed.status).toBe(200);
    expect([revoked.status, revoked.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('refuses to delete a role in use, deletes it once free, and frees its name', async () => {
    const created = await api.call<RoleBody>('POST', '/rbac/roles', {
      body: { name: uniqueName('TEMP_').toUpperCase(), permissions: ['VIEW_ACCOUNT'] },
    });
    const roleId = created.body.id;
    const holder = await aUser(api, [roleId]);

    const inUse = await api.call<Problem>('DELETE', `/rbac/roles/${roleId}`);
    const counted = await api.call<RoleBody>('GET', `/rbac/roles/${roleId}`);
    const removed = await api.call<UserBody>('DELETE', `/rbac/users/${holder.id}/roles/${roleId}`);
    const deleted = await api.call('DELETE', `/rbac/roles/${roleId}`);
    const gone = await api.call<Problem>('GET', `/rbac/roles/${roleId}`);
    const again = await api.call<Problem>('DELETE', `/rbac/roles/${roleId}`);
    const listed = await api.call<{ items: RoleBody[] }>('GET', '/rbac/roles?limit=200');
    const reused = await api.call<RoleBody>('POST', '/rbac/roles', {
      body: { name: created.body.name, permissions: [] },
    });
    const assignDeleted = await api.call<Problem>(
      'POST',
      `/rbac/users/${holder.id}/roles/${roleId}`,
    );

    expect([inUse.status, inUse.body.code]).toEqual([409, 'ROLE_IN_USE']);
    expect(counted.body.memberCount).toBe(1);
    expect(removed.body.roles).toEqual([]);
    expect(deleted.status).toBe(204);
    expect([gone.status, gone.body.code]).toEqual([404, 'ROLE_NOT_FOUND']);
    expect(again.status).toBe(404);
    expect(listed.body.items.map((role) => role.id)).not.toContain(roleId);
    expect(reused.status).toBe(201);
    expect(reused.body.id).not.toBe(roleId);
    expect([assignDeleted.status, assignDeleted.body.code]).toEqual([404, 'ROLE_NOT_FOUND']);
  });

  it('audits every role change on the role chain, and the chains stay valid', async () => {
    const roleId = await aRole(api, ['VIEW_ACCOUNT']);
    await api.call('PUT', `/rbac/roles/${roleId}`, {
      body: { transactionLimits: [{ amount: '10.00', currency: 'EUR' }] },
    });
    await api.call('DELETE', `/rbac/roles/${roleId}`);

    const audit = await api.call<{ items: { action: string; data: Record<string, string> }[] }>(
      'GET',
      `/audit/events?entityType=ROLE&entityId=${roleId}`,
    );
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');

    expect(audit.body.items.map((item) => item.action)).toEqual([
      'ROLE_DELETED',
      'ROLE_UPDATED',
      'ROLE_CREATED',
    ]);
    expect(audit.body.items[1]?.data).toMatchObject({ transactionLimits: '10.00 EUR' });
    expect(verify.body.valid).toBe(true);
  });
});

describe('users', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('rbac-users', { principalCacheTtlSeconds: 0 });
  });
  afterAll(async () => api.close());

  it('creates a user with sealed personal data and never shows its password', async () => {
    const username = uniqueName('jane-');
    const created = await api.call<UserBody>('POST', '/rbac/users', {
      body: {
        username,
        password: 'Another-Passw0rd!',
        roles: ['TELLER'],
        email: 'jane.doe@bank.example',
        fullName: 'Jane Doe',
        branchId: 'BR-001',
      },
      headers: { 'Idempotency-Key': `user-${username}` },
    });
    const read = await api.call<UserBody>('GET', `/rbac/users/${created.body.id}`);
    const stored = await api.table.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: api.table.tableName,
        Key: { pk: `USER#${username}`, sk: 'USER' },
      }),
    );
    const login = await signIn(api, username, 'Another-Passw0rd!');

    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/rbac/users/${created.body.id}`);
    expect(read.body).toMatchObject({
      username,
      roles: ['TELLER'],
      active: true,
      locked: false,
      email: 'jane.doe@bank.example',
      fullName: 'Jane Doe',
      branchId: 'BR-001',
    });
    expect(created.raw).not.toMatch(/passwordHash|passwordHistory|scrypt/i);
    expect(JSON.stringify(stored.Item)).not.toContain('jane.doe@bank.example');
    expect(JSON.stringify(stored.Item)).not.toContain('Jane Doe');
    expect(login.status).toBe(200);
  });

  it('refuses a taken username, a weak password, unknown roles and bad input', async () => {
    const taken = await api.call<Problem>('POST', '/rbac/users', {
      body: { username: 'admin', password: 'Another-Passw0rd!', roles: [] },
    });
    const weak = await api.call<Problem>('POST', '/rbac/users', {
      body: { username: uniqueName('weak-'), password: 'password', roles: [] },
    });
    const unknownRole = await api.call<Problem>('POST', '/rbac/users', {
      body: { username: uniqueName('nobody-'), password: 'Another-Passw0rd!', roles: ['WIZARD'] },
    });
    const badEmail = await api.call<Problem>('POST', '/rbac/users', {
      body: { username: uniqueName('x-'), password: 'Another-Passw0rd!', roles: [], email: 'no' },
    });
    const extra = await api.call<Problem>('POST', '/rbac/users', {
      body: {
        username: uniqueName('x-'),
        password: 'Another-Passw0rd!',
        roles: [],
        passwordHash: 'x',
      },
    });
    const badQuery = await api.call<Problem>('GET', '/rbac/users?active=maybe');
    const missing = await api.call<Problem>('GET', `/rbac/users/${unknownId}`);

    expect([taken.status, taken.body.code]).toEqual([409, 'USERNAME_TAKEN']);
    expect([weak.status, weak.body.code]).toEqual([422, 'PASSWORD_POLICY_VIOLATION']);
    expect([unknownRole.status, unknownRole.body.code]).toEqual([404, 'ROLE_NOT_FOUND']);
    expect([badEmail.status, badEmail.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect([extra.status, extra.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect([badQuery.status, badQuery.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect([missing.status, missing.body.code]).toEqual([404, 'USER_NOT_FOUND']);
  });

  it('updates personal data and branch: a value replaces, null clears, absent keeps', async () => {
    const { id } = await aUser(api, ['READ_ONLY']);
    await api.call('PUT', `/rbac/users/${id}`, {
      body: { email: 'first@bank.example', fullName: 'First Name', branchId: 'BR-1' },
    });

    const updated = await api.call<UserBody>('PUT', `/rbac/users/${id}`, {
      body: { email: 'second@bank.example', fullName: null },
    });
    const read = await api.call<UserBody>('GET', `/rbac/users/${id}`);
    const audit = await api.call<{ items: { action: string; data: Record<string, string> }[] }>(
      'GET',
      `/audit/events?entityType=USER&entityId=${id}`,
    );

    expect(updated.body).toMatchObject({
      email: 'second@bank.example',
      fullName: null,
      branchId: 'BR-1',
    });
    expect(read.body).toEqual(updated.body);
    expect(audit.body.items[0]).toMatchObject({
      action: 'USER_UPDATED',
      data: { fields: 'email,fullName' },
    });
    expect(JSON.stringify(audit.body)).not.toContain('bank.example');
  });

  it('lists users by role and active state, page by page', async () => {
    const roleId = await aRole(api, ['VIEW_REPORTS']);
    const first = await aUser(api, [roleId]);
    const second = await aUser(api, [roleId]);
    const third = await aUser(api, [roleId]);
    await api.call('POST', `/rbac/users/${second.id}/deactivate`);

    const pageOne = await api.call<{ items: UserBody[]; nextCursor: string | null }>(
      'GET',
      `/rbac/users?role=${roleId}&limit=2`,
    );
    const pageTwo = await api.call<{ items: UserBody[]; nextCursor: string | null }>(
      'GET',
      `/rbac/users?role=${roleId}&limit=2&cursor=${encodeURIComponent(String(pageOne.body.nextCursor))}`,
    );
    const active = await api.call<{ items: UserBody[] }>(
      'GET',
      `/rbac/users?role=${roleId}&active=true`,
    );
    const inactive = await api.call<{ items: UserBody[] }>(
      'GET',
      `/rbac/users?role=${roleId}&active=false`,
    );

    const ids = (items: UserBody[]) => items.map((user) => user.id).sort();
    expect(pageOne.body.items).toHaveLength(2);
    expect(ids([...pageOne.body.items, ...pageTwo.body.items])).toEqual(
      [first.id, second.id, third.id].sort(),
    );
    expect(pageTwo.body.nextCursor).toBeNull();
    expect(ids(active.body.items)).toEqual([first.id, third.id].sort());
    expect(ids(inactive.body.items)).toEqual([second.id]);
  });

  it("stops a deactivated user's token and sign-in; activating restores both", async () => {
    const user = await aUser(api, ['READ_ONLY']);
    const probe = () => api.call<Problem>('GET', '/ledger/trial-balance', { token: user.token });

    const before = await probe();
    const deactivated = await api.call<UserBody>('POST', `/rbac/users/${user.id}/deactivate`);
    const during = await probe();
    const loginDuring = await signIn(api, user.username);
    const activated = await api.call<UserBody>('POST', `/rbac/users/${user.id}/activate`);
    const after = await probe();

    expect(before.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect([during.status, during.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect([loginDuring.status, loginDuring.body.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect(activated.body.active).toBe(true);
    expect(after.status).toBe(200);
  });

  it("stops a locked user's token and sign-in; unlocking restores both", async () => {
    const user = await aUser(api, ['READ_ONLY']);
    const probe = () => api.call<Problem>('GET', '/ledger/trial-balance', { token: user.token });

    const locked = await api.call<UserBody>('POST', `/rbac/users/${user.id}/lock`);
    const during = await probe();
    const loginDuring = await signIn(api, user.username);
    const unlocked = await api.call<UserBody>('POST', `/rbac/users/${user.id}/unlock`);
    const after = await probe();
    const loginAfter = await signIn(api, user.username);

    expect(locked.body.locked).toBe(true);
    expect([during.status, during.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(loginDuring.status).toBe(401);
    expect(unlocked.body.locked).toBe(false);
    expect(after.status).toBe(200);
    expect(loginAfter.status).toBe(200);
  });

  it('assigns and removes roles, and reports effective permissions and limits', async () => {
    const capped = await aRole(api, ['CREATE_TRANSACTION', 'APPROVE_LOAN'], {
      transactionLimits: [{ amount: '1000.00', currency: 'USD' }],
      approvalLimits: [{ amount: '50000', currency: 'JPY' }],
    });
    const wider = await aRole(api, ['CREATE_TRANSACTION'], {
      transactionLimits: [
        { amount: '2500.00', currency: 'USD' },
        { amount: '300.00', currency: 'EUR' },
      ],
    });
    const { id } = await aUser(api, [capped]);

    const alone = await api.call('GET', `/rbac/users/${id}/permissions`);
    const assigned = await api.call<UserBody>('POST', `/rbac/users/${id}/roles/${wider}`);
    const twice = await api.call<UserBody>('POST', `/rbac/users/${id}/roles/${wider}`);
    const both = await api.call('GET', `/rbac/users/${id}/permissions`);
    await api.call('POST', `/rbac/users/${id}/roles/TELLER`);
    const withTeller = await api.call('GET', `/rbac/users/${id}/permissions`);
    const removed = await api.call<UserBody>('DELETE', `/rbac/users/${id}/roles/TELLER`);
    const removedAgain = await api.call<UserBody>('DELETE', `/rbac/users/${id}/roles/TELLER`);
    const unknownRole = await api.call<Problem>('POST', `/rbac/users/${id}/roles/WIZARD`);
    const role = await api.call<RoleBody>('GET', `/rbac/roles/${wider}`);

    expect(alone.body).toMatchObject({
      permissions: ['APPROVE_LOAN', 'CREATE_TRANSACTION'],
      transactionLimits: [{ amount: '1000.00', currency: 'USD' }],
      approvalLimits: [{ amount: '50000', currency: 'JPY' }],
    });
    expect(assigned.body.roles).toEqual([capped, wider]);
    expect(twice.body.version).toBe(assigned.body.version);
    // The most generous granting role wins; a role without a EUR cap makes EUR unlimited.
    expect(both.body).toMatchObject({
      transactionLimits: [{ amount: '2500.00', currency: 'USD' }],
    });
    expect(withTeller.body).toMatchObject({ transactionLimits: [] });
    expect(removed.body.roles).toEqual([capped, wider]);
    expect(removedAgain.body.version).toBe(removed.body.version);
    expect([unknownRole.status, unknownRole.body.code]).toEqual([404, 'ROLE_NOT_FOUND']);
    expect(role.body.memberCount).toBe(1);
  });

  it('audits every user change on the user chain, and the chains stay valid', async () => {
    const { id } = await aUser(api, ['READ_ONLY']);
    for (const action of ['lock', 'unlock', 'deactivate', 'activate']) {
      await api.call('POST', `/rbac/users/${id}/${action}`);
    }
    await api.call('POST', `/rbac/users/${id}/roles/AUDITOR`);
    await api.call('DELETE', `/rbac/users/${id}/roles/READ_ONLY`);

    const audit = await api.call<{ items: { action: string; actor: string }[] }>(
      'GET',
      `/audit/events?entityType=USER&entityId=${id}`,
    );
    const verify = await api.call<{ valid: boolean; chains: number }>('GET', '/audit/verify');

    expect(audit.body.items.map((item) => item.action).reverse()).toEqual([
      'USER_CREATED',
      'USER_LOCKED',
      'USER_UNLOCKED',
      'USER_DEACTIVATED',
      'USER_ACTIVATED',
      'ROLE_ASSIGNED',
      'ROLE_REMOVED',
    ]);
    expect(verify.body.valid).toBe(true);
  });
});

describe('administrator guard rails', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('rbac-guards', { principalCacheTtlSeconds: 0 });
  });
  afterAll(async () => api.close());

  it('keeps one active administrator and refuses self-disabling', async () => {
    const admins = await api.call<{ items: UserBody[] }>('GET', '/rbac/users?role=ADMIN');
    const original = admins.body.items[0]?.id ?? '';
    const second = await aUser(api, ['ADMIN']);
    const userManagerRole = await aRole(api, ['MANAGE_USERS']);
    const manager = await aUser(api, [userManagerRole]);

    const selfDeactivate = await api.call<Problem>('POST', `/rbac/users/${second.id}/deactivate`, {
      token: second.token,
    });
    const selfLock = await api.call<Problem>('POST', `/rbac/users/${second.id}/lock`, {
      token: second.token,
    });
    const demoted = await api.call('DELETE', `/rbac/users/${original}/roles/ADMIN`, {
      token: second.token,
    });
    const lastRemoval = await api.call<Problem>('DELETE', `/rbac/users/${second.id}/roles/ADMIN`, {
      token: second.token,
    });
    const lastDeactivate = await api.call<Problem>('POST', `/rbac/users/${second.id}/deactivate`, {
      token: manager.token,
    });
    const lastLock = await api.call<Problem>('POST', `/rbac/users/${second.id}/lock`, {
      token: manager.token,
    });
    const restored = await api.call('POST', `/rbac/users/${original}/roles/ADMIN`, {
      token: second.token,
    });
    const nowAllowed = await api.call<UserBody>('POST', `/rbac/users/${second.id}/deactivate`, {
      token: manager.token,
    });
    const adminRole = await api.call<RoleBody>('GET', '/rbac/roles/ADMIN');

    expect([selfDeactivate.status, selfDeactivate.body.code]).toEqual([
      409,
      'USER_CANNOT_DISABLE_SELF',
    ]);
    expect(selfLock.body.code).toBe('USER_CANNOT_DISABLE_SELF');
    expect(demoted.status).toBe(200);
    expect([lastRemoval.status, lastRemoval.body.code]).toEqual([409, 'LAST_ACTIVE_ADMIN']);
    expect(lastDeactivate.body.code).toBe('LAST_ACTIVE_ADMIN');
    expect(lastLock.body.code).toBe('LAST_ACTIVE_ADMIN');
    expect(restored.status).toBe(200);
    expect(nowAllowed.body.active).toBe(false);
    expect(adminRole.body.memberCount).toBe(2);
  });
});

describe('no escalation through the admin API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('rbac-escalation', { principalCacheTtlSeconds: 0 });
  });
  afterAll(async () => api.close());

  it('lets a manager hand out only permissions it holds', async () => {
    const managerRole = await aRole(api, ['MANAGE_USERS', 'MANAGE_ROLES', 'VIEW_ACCOUNT']);
    const manager = await aUser(api, [managerRole]);
    const asManager = { token: manager.token };

    const selfAdmin = await api.call<Problem>(
      'POST',
      `/rbac/users/${manager.id}/roles/ADMIN`,
      asManager,
    );
    const adminUser = await api.call<Problem>('POST', '/rbac/users', {
      ...asManager,
      body: { username: uniqueName('sneaky-'), password: TEST_ADMIN_PASSWORD, roles: ['ADMIN'] },
    });
    const widerRole = await api.call<Problem>('POST', '/rbac/roles', {
      ...asManager,
      body: { name: 'WIDER_ROLE', permissions: ['VIEW_ACCOUNT', 'SYSTEM_CONFIG'] },
    });
    const narrowRole = await api.call<RoleBody>('POST', '/rbac/roles', {
      ...asManager,
      body: { name: 'NARROW_ROLE', permissions: ['VIEW_ACCOUNT'] },
    });
    const widened = await api.call<Problem>('PUT', `/rbac/roles/${narrowRole.body.id}`, {
      ...asManager,
      body: { permissions: ['VIEW_ACCOUNT', 'VIEW_AUDIT_LOG'] },
    });
    const viewer = await api.call<UserBody>('POST', '/rbac/users', {
      ...asManager,
      body: {
        username: uniqueName('viewer-'),
        password: TEST_ADMIN_PASSWORD,
        roles: [narrowRole.body.id],
      },
    });

    expect([selfAdmin.status, selfAdmin.body.code]).toEqual([403, 'ROLE_EXCEEDS_CALLER']);
    expect(selfAdmin.body.detail).toContain('SYSTEM_CONFIG');
    expect(adminUser.body.code).toBe('ROLE_EXCEEDS_CALLER');
    expect([widerRole.status, widerRole.body.detail]).toEqual([
      403,
      'You cannot grant permissions you do not hold: SYSTEM_CONFIG',
    ]);
    expect(narrowRole.status).toBe(201);
    expect(widened.body.code).toBe('ROLE_EXCEEDS_CALLER');
    expect(viewer.status).toBe(201);
  });
});

describe('per-role transaction limits', () => {
  let api: TestApi;
  let cashier: string;
  let usd: string;
  let otherUsd: string;
  let eur: string;
  beforeAll(async () => {
    api = await createTestApi('rbac-limits', { principalCacheTtlSeconds: 0 });
    usd = await anAccount(api, { currency: 'USD', deposit: '5000.00' });
    otherUsd = await anAccount(api, { currency: 'USD' });
    eur = await anAccount(api, { currency: 'EUR', deposit: '9000.00' });
    const role = await aRole(api, ['CREATE_TRANSACTION', 'VIEW_ACCOUNT'], {
      transactionLimits: [{ amount: '1000.00', currency: 'USD' }],
    });
    cashier = (await aUser(api, [role])).token;
  });
  afterAll(async () => api.close());

  const balances = async () =>
    Promise.all(
      [usd, otherUsd, eur].map(
        async (id) =>
          (await api.call<{ balance: { amount: string } }>('GET', `/accounts/${id}`)).body.balance
            .amount,
      ),
    );

  it('allows exactly the limit and refuses a cent more, posting nothing', async () => {
    const at = await api.call('POST', '/transactions/deposit', {
      token: cashier,
      body: { accountId: usd, amount: '1000.00', currency: 'USD' },
    });
    const before = await balances();

    const attempts: [string, Record<string, string>][] = [
      ['/transactions/deposit', { accountId: usd, amount: '1000.01', currency: 'USD' }],
      ['/transactions/withdraw', { accountId: usd, amount: '1000.01', currency: 'USD' }],
      [
        '/transactions/transfer',
        { fromAccountId: usd, toAccountId: otherUsd, amount: '1000.01', currency: 'USD' },
      ],
      [
        '/transactions/fx-transfer',
        { fromAccountId: usd, toAccountId: eur, amount: '1000.01', currency: 'USD' },
      ],
    ];
    const above = await Promise.all(
      attempts.map(([path, body]) => api.call<Problem>('POST', path, { token: cashier, body })),
    );
    const after = await balances();

    expect(at.status).toBe(201);
    for (const response of above) {
      expect([response.status, response.body.code]).toEqual([403, 'AMOUNT_LIMIT_EXCEEDED']);
      expect(response.body.detail).toBe('The amount exceeds your transaction limit of 1000.00 USD');
    }
    expect(after).toEqual(before);
  });

  it('compares in the debited currency: a role without a EUR cap is unlimited in EUR', async () => {
    const eurDeposit = await api.call('POST', '/transactions/deposit', {
      token: cashier,
      body: { accountId: eur, amount: '8000.00', currency: 'EUR' },
    });
    // From EUR: not limited, so it reaches the FX rules (no rate is set in this table).
    const fromEur = await api.call<Problem>('POST', '/transactions/fx-transfer', {
      token: cashier,
      body: { fromAccountId: eur, toAccountId: usd, amount: '5000.00', currency: 'EUR' },
    });
    const admin = await api.call('POST', '/transactions/deposit', {
      body: { accountId: usd, amount: '90000.00', currency: 'USD' },
    });

    expect(eurDeposit.status).toBe(201);
    expect(fromEur.body.code).toBe('FX_RATE_NOT_FOUND');
    expect(admin.status).toBe(201);
  });
});
