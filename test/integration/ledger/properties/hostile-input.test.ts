import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { routeList } from '../../../../shared/contracts/routes';
import { amountProblem } from '../../../../shared/domain/money';
import {
  anAccount,
  aVerifiedCustomer,
  createTestApi,
  type ApiResponse,
  type TestApi,
} from '../../../support/api-client';

/*
 * Hostile and malformed input against every mutating endpoint. Whatever arrives, the answer is
 * a 4xx problem+json with a stable code (never a 500), and nothing in the books moves.
 */

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  errors?: { path: string; message: string }[];
};
type WireMoney = { amount: string; currency: string };
type WireAccount = {
  balance: WireMoney;
  availableBalance: WireMoney;
  holdsTotal: WireMoney;
  status: string;
  version: number;
};

const json = { 'Content-Type': 'application/json' };
const UNKNOWN_ID = '01UNKNOWN0000000000000000Z';

/** Asserts a problem+json answer with `status` and `code`; returns the problem. */
function expectProblem(response: ApiResponse, status: number, code: string, label = ''): Problem {
  const problem = response.body as unknown as Problem;
  expect({ label, status: response.status, code: problem.code }).toEqual({ label, status, code });
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(problem).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//) });
  expect(typeof problem.requestId).toBe('string');
  expect(typeof problem.detail).toBe('string');
  if (code === 'VALIDATION_FAILED') expect(problem.errors?.length).toBeGreaterThan(0);
  return problem;
}

describe('hostile input against every mutating endpoint', () => {
  let api: TestApi;
  /**
   * Ids of the fixtures: usd (active, 100.00), usd2 (20.00), jpy (1000), closed (USD), and a
   * spare account outside the books for requests a random body may legitimately perform.
   */
  const ids = {
    customer: '',
    usd: '',
    usd2: '',
    jpy: '',
    closed: '',
    spare: '',
    hold: '',
    transaction: '',
  };
  let before: Awaited<ReturnType<typeof books>>;

  /** Everything a hostile request could move: balances, holds, history, status, the GL. */
  async function books() {
    const accounts = await Promise.all(
      [ids.usd, ids.usd2, ids.jpy, ids.closed].map(async (id) => {
        const [account, history, holds] = await Promise.all([
          api.call<WireAccount>('GET', `/accounts/${id}`),
          api.call<{ items: unknown[] }>('GET', `/accounts/${id}/transactions?limit=200`),
          api.call<{ items: unknown[] }>('GET', `/accounts/${id}/holds`),
        ]);
        return { id, account: account.body, history: history.body.items, holds: holds.body.items };
      }),
    );
    const trialBalance = await api.call<{ currencies: unknown[] }>('GET', '/ledger/trial-balance');
    const rates = await api.call<{ items: unknown[] }>('GET', '/fx/rates');
    return { accounts, trialBalance: trialBalance.body.currencies, rates: rates.body.items };
  }

  beforeAll(async () => {
    api = await createTestApi('hostile');
    ids.customer = await aVerifiedCustomer(api, 3);
    ids.usd = await anAccount(api, { customerId: ids.customer, deposit: '100.00' });
    ids.usd2 = await anAccount(api, { customerId: ids.customer, deposit: '20.00' });
    ids.jpy = await anAccount(api, { customerId: ids.customer, currency: 'JPY', deposit: '1000' });
    ids.closed = await anAccount(api, { customerId: ids.customer });
    ids.spare = await anAccount(api, { customerId: ids.customer });
    await api.call('POST', `/accounts/${ids.closed}/close`);
    await api.call('PUT', '/fx/rates', { body: { base: 'USD', quote: 'JPY', rate: '150' } });
    const hold = await api.call<{ id: string }>('POST', `/accounts/${ids.usd}/holds`, {
      body: { amount: '10.00', currency: 'USD', reason: 'fixture' },
    });
    ids.hold = hold.body.id;
    const transaction = await api.call<{ id: string }>('POST', '/transactions/deposit', {
      body: { accountId: ids.usd2, amount: '1.00', currency: 'USD' },
    });
    ids.transaction = transaction.body.id;
    before = await books();
  }, 60_000);
  afterAll(async () => api.close());

  /** The concrete path of a route, its parameters filled with the fixtures. */
  const pathOf = (template: string, accountId = ids.usd) =>
    template
      .replace('{accountId}', accountId)
      .replace('{holdId}', ids.hold)
      .replace('{transactionId}', ids.transaction)
      .replace('{customerId}', ids.customer)
      .replace(/\{[^}]+\}/g, UNKNOWN_ID);

  /** A valid body per operation, so each attack changes one thing only. */
  const validBodies = (): Record<string, Record<string, unknown>> => ({
    createCustomer: { firstName: 'Eve', lastName: 'Mallory', email: 'eve@example.com' },
    openAccount: { customerId: ids.customer, productType: 'CHECKING', currency: 'USD' },
    deposit: { accountId: ids.usd, amount: '1.00', currency: 'USD' },
    withdraw: { accountId: ids.usd, amount: '1.00', currency: 'USD' },
    transfer: { fromAccountId: ids.usd, toAccountId: ids.usd2, amount: '1.00', currency: 'USD' },
    fxTransfer: { fromAccountId: ids.usd, toAccountId: ids.jpy, amount: '1.00', currency: 'USD' },
    reverseTransaction: { reason: 'hostile' },
    placeHold: { amount: '1.00', currency: 'USD', reason: 'hostile' },
    freezeAccount: { reason: 'hostile' },
    unfreezeAccount: { reason: 'hostile' },
    closeAccount: { reason: 'hostile' },
    setFxRate: { base: 'USD', quote: 'JPY', rate: '151' },
  });

  const mutating = routeList().filter((route) => route.method !== 'GET');

  describe.each(mutating.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s',
    (_, route) => {
      const call = (body: unknown, headers: Record<string, string> = {}) =>
        api.call(route.method, pathOf(route.path), { body, headers });
      const takesBody = route.body !== undefined;
      const bodyCode = takesBody ? 'MALFORMED_JSON' : 'VALIDATION_FAILED';

      it.each([
        ['truncated JSON', '{"amount": "1.00", '],
        ['a trailing comma', '{"amount": "1.00",}'],
        ['single quotes', "{'amount': '1.00'}"],
        ['a bare word', 'undefined'],
        ['NaN', '{"amount": NaN}'],
      ])('answers %s with a stable 400', async (_label, raw) => {
        expectProblem(await call(raw, json), 400, bodyCode);
      });

      it.each([
        ['an array', '[]'],
        ['an array of the body', '[{"amount": "1.00", "currency": "USD"}]'],
        ['a string', '"deposit"'],
        ['a number', '42'],
        ['a boolean', 'true'],
      ])('refuses %s as the body', async (_label, raw) => {
        expectProblem(await call(raw, json), 400, 'VALIDATION_FAILED');
      });

      it('refuses unknown fields, prototype keys included', async () => {
        const valid = validBodies()[route.operationId] ?? {};

        const unknown = await call({ ...valid, isAdmin: true });
        const proto = await call(
          `{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"x": 1}}${
            Object.keys(valid).length > 0 ? `, ${JSON.stringify(valid).slice(1, -1)}` : ''
          }}`,
          json,
        );

        const problem = expectProblem(unknown, 400, 'VALIDATION_FAILED');
        if (takesBody)
          expect(problem.errors).toContainEqual({ path: 'isAdmin', message: 'Unknown field' });
        expectProblem(proto, 400, 'VALIDATION_FAILED');
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      });

      it('refuses a body over 64 KiB before reading it', async () => {
        const big = JSON.stringify({ description: 'x'.repeat(70 * 1024) });

        expectProblem(await call(big, json), 413, 'PAYLOAD_TOO_LARGE');
      });

      if (takesBody) {
        it('refuses a body that is not declared as JSON', async () => {
          const valid = validBodies()[route.operationId] ?? {};

          expectProblem(
            await call(JSON.stringify(valid), { 'Content-Type': 'text/plain' }),
            415,
            'UNSUPPORTED_MEDIA_TYPE',
          );
        });
      }

      if (route.idempotent === true) {
        it.each([
          ['longer than 255 characters', 'k'.repeat(256)],
          ['with a control character', 'key\u0001'],
          ['with a leading space', ' key'],
          ['with non-ASCII characters', 'clé-été'],
        ])('refuses an Idempotency-Key %s without executing', async (_label, key) => {
          const valid = validBodies()[route.operationId];

          const response = await api.call(route.method, pathOf(route.path), {
            ...(valid === undefined ? {} : { body: valid }),
            headers: { 'Idempotency-Key': key },
          });

          const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
          expect(problem.errors).toContainEqual(
            expect.objectContaining({ path: 'header.Idempotency-Key' }),
          );
        });
      }

      it('never answers a random JSON body with a 5xx', async () => {
        // `{}` or `null` is a valid body where the whole body is optional (freeze, close…): such
        // requests go to the spare account, and only they may succeed.
        const optional = route.body?.safeParse(undefined).success === true;
        const path = optional ? pathOf(route.path, ids.spare) : pathOf(route.path);
        await fc.assert(
          fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
            const response = await api.call(route.method, path, {
              body: JSON.stringify(value),
              headers: json,
            });

            expect(response.status).toBeLessThan(500);
            if (!optional) expect(response.status).toBeGreaterThanOrEqual(400);
          }),
          { numRuns: 25 },
        );
      });
    },
  );

  describe('amounts', () => {
    const moneyRoutes = () =>
      [
        ['deposit', 'POST', '/transactions/deposit', { accountId: ids.usd, currency: 'USD' }],
        ['withdraw', 'POST', '/transactions/withdraw', { accountId: ids.usd, currency: 'USD' }],
        [
          'transfer',
          'POST',
          '/transactions/transfer',
          { fromAccountId: ids.usd, toAccountId: ids.usd2, currency: 'USD' },
        ],
        [
          'fx transfer',
          'POST',
          '/transactions/fx-transfer',
          { fromAccountId: ids.usd, toAccountId: ids.jpy, currency: 'USD' },
        ],
        ['hold', 'POST', `/accounts/${ids.usd}/holds`, { currency: 'USD', reason: 'hostile' }],
      ] as const;

    it.each([
      ['a JSON number', 5],
      ['a JSON float', 5.5],
      ['null', null],
      ['an object', { value: '5.00' }],
      ['zero', '0'],
      ['zero with decimals', '0.00'],
      ['a negative amount', '-5.00'],
      ['an exponent', '1e3'],
      ['leading spaces', '  5'],
      ['a trailing space', '5 '],
      ['a trailing point', '5.'],
      ['a leading point', '.5'],
      ['leading zeros', '007.00'],
      ['a thousands separator', '1,000.00'],
      ['more decimals than USD has', '1.001'],
      ['exactly 1e15', '1000000000000000'],
      ['more than 1e15', '99999999999999999999.99'],
      ['a hexadecimal literal', '0x10'],
      ['Infinity', 'Infinity'],
      ['non-ASCII digits', '١٠'],
      ['an empty string', ''],
      ['a 10,000-digit string', '9'.repeat(10_000)],
    ])('refuses %s as the amount of every money movement', async (label, amount) => {
      for (const [name, method, path, body] of moneyRoutes()) {
        const response = await api.call(method, path, { body: { ...body, amount } });

        const problem = expectProblem(response, 400, 'VALIDATION_FAILED', `${name}: ${label}`);
        expect(problem.errors).toContainEqual(expect.objectContaining({ path: 'amount' }));
      }
    });

    it.each([
      ['an unknown code', 'ABC'],
      ['a lower-case code', 'usd'],
      ['a metal without minor unit', 'XAU'],
      ['a numeric code', 840],
      ['an empty string', ''],
      ['a prototype property', 'constructor'],
    ])('refuses %s as the currency of every money movement', async (label, currency) => {
      for (const [name, method, path, body] of moneyRoutes()) {
        const response = await api.call(method, path, {
          body: { ...body, amount: '1.00', currency },
        });

        const problem = expectProblem(response, 400, 'VALIDATION_FAILED', `${name}: ${label}`);
        expect(problem.errors).toContainEqual(expect.objectContaining({ path: 'currency' }));
      }
    });

    it('refuses decimals a zero-decimal currency does not have', async () => {
      const response = await api.call('POST', '/transactions/deposit', {
        body: { accountId: ids.jpy, amount: '100.5', currency: 'JPY' },
      });

      expectProblem(response, 400, 'VALIDATION_FAILED');
    });

    it('answers any string amount with VALIDATION_FAILED or, if it is a valid amount, the business rule', async () => {
      const anAmount = fc.oneof(
        fc.string({ maxLength: 45 }),
        fc.stringMatching(/^-?\d{0,17}(\.\d{0,4})?(e-?\d)?$/),
      );
      await fc.assert(
        fc.asyncProperty(anAmount, async (amount) => {
          // A withdrawal from a closed account: a valid amount meets ACCOUNT_CLOSED.
          const response = await api.call('POST', '/transactions/withdraw', {
            body: { accountId: ids.closed, amount, currency: 'USD' },
          });

          const valid =
            /^(0|[1-9]\d*)(\.\d+)?$/.test(amount) &&
            amountProblem(amount, 'USD') === undefined &&
            !/^[0.]+$/.test(amount);
          if (valid) expectProblem(response, 422, 'ACCOUNT_CLOSED', amount);
          else expectProblem(response, 400, 'VALIDATION_FAILED', amount);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('business refusals', () => {
    it.each([
      ['a deposit in another currency', 'deposit', 'CURRENCY_MISMATCH'],
      ['a withdrawal in another currency', 'withdraw', 'CURRENCY_MISMATCH'],
    ] as const)('refuses %s', async (_label, operation, code) => {
      const response = await api.call('POST', `/transactions/${operation}`, {
        body: { accountId: ids.usd, amount: '1.00', currency: 'EUR' },
      });

      expectProblem(response, 422, code);
    });

    it('refuses transfers whose currencies do not line up', async () => {
      const amountInOther = await api.call('POST', '/transactions/transfer', {
        body: { fromAccountId: ids.usd, toAccountId: ids.usd2, amount: '100', currency: 'JPY' },
      });
      const accountsDiffer = await api.call('POST', '/transactions/transfer', {
        body: { fromAccountId: ids.usd, toAccountId: ids.jpy, amount: '1.00', currency: 'USD' },
      });
      const fxInTarget = await api.call('POST', '/transactions/fx-transfer', {
        body: { fromAccountId: ids.usd, toAccountId: ids.jpy, amount: '150', currency: 'JPY' },
      });
      const hold = await api.call('POST', `/accounts/${ids.usd}/holds`, {
        body: { amount: '100', currency: 'JPY', reason: 'hostile' },
      });

      expectProblem(amountInOther, 422, 'CURRENCY_MISMATCH');
      expectProblem(accountsDiffer, 422, 'CURRENCY_MISMATCH');
      expectProblem(fxInTarget, 422, 'CURRENCY_MISMATCH');
      expectProblem(hold, 422, 'CURRENCY_MISMATCH');
    });

    it('refuses an FX transfer between two accounts of one currency as SAME_CURRENCY_FX', async () => {
      const response = await api.call('POST', '/transactions/fx-transfer', {
        body: { fromAccountId: ids.usd, toAccountId: ids.usd2, amount: '1.00', currency: 'USD' },
      });

      expectProblem(response, 422, 'SAME_CURRENCY_FX');
    });

    it.each([
      ['transfer', '/transactions/transfer'],
      ['fx transfer', '/transactions/fx-transfer'],
    ])(
      'refuses a %s with the same account on both sides as ACCOUNTS_MUST_BE_DIFFERENT',
      async (_label, path) => {
        const response = await api.call('POST', path, {
          body: { fromAccountId: ids.usd, toAccountId: ids.usd, amount: '1.00', currency: 'USD' },
        });

        expectProblem(response, 422, 'ACCOUNTS_MUST_BE_DIFFERENT');
      },
    );

    it('answers unknown ids with the entity that is missing', async () => {
      const cases: [string, string, unknown, string][] = [
        [
          'POST',
          '/transactions/deposit',
          { accountId: UNKNOWN_ID, amount: '1.00', currency: 'USD' },
          'ACCOUNT_NOT_FOUND',
        ],
        [
          'POST',
          '/transactions/withdraw',
          { accountId: UNKNOWN_ID, amount: '1.00', currency: 'USD' },
          'ACCOUNT_NOT_FOUND',
        ],
        [
          'POST',
          '/transactions/transfer',
          { fromAccountId: UNKNOWN_ID, toAccountId: ids.usd, amount: '1.00', currency: 'USD' },
          'ACCOUNT_NOT_FOUND',
        ],
        [
          'POST',
          '/transactions/transfer',
          { fromAccountId: ids.usd, toAccountId: UNKNOWN_ID, amount: '1.00', currency: 'USD' },
          'ACCOUNT_NOT_FOUND',
        ],
        [
          'POST',
          '/transactions/fx-transfer',
          { fromAccountId: ids.usd, toAccountId: UNKNOWN_ID, amount: '1.00', currency: 'USD' },
          'ACCOUNT_NOT_FOUND',
        ],
        [
          'POST',
          `/accounts/${UNKNOWN_ID}/holds`,
          { amount: '1.00', currency: 'USD', reason: 'x' },
          'ACCOUNT_NOT_FOUND',
        ],
        ['DELETE', `/accounts/${UNKNOWN_ID}/holds/${ids.hold}`, undefined, 'ACCOUNT_NOT_FOUND'],
        ['DELETE', `/accounts/${ids.usd}/holds/${UNKNOWN_ID}`, undefined, 'HOLD_NOT_FOUND'],
        ['DELETE', `/accounts/${ids.usd2}/holds/${ids.hold}`, undefined, 'HOLD_NOT_FOUND'],
        ['POST', `/accounts/${UNKNOWN_ID}/freeze`, undefined, 'ACCOUNT_NOT_FOUND'],
        ['POST', `/accounts/${UNKNOWN_ID}/unfreeze`, undefined, 'ACCOUNT_NOT_FOUND'],
        ['POST', `/accounts/${UNKNOWN_ID}/close`, undefined, 'ACCOUNT_NOT_FOUND'],
        ['POST', `/transactions/${UNKNOWN_ID}/reverse`, { reason: 'x' }, 'TRANSACTION_NOT_FOUND'],
        [
          'POST',
          '/accounts',
          { customerId: UNKNOWN_ID, productType: 'CHECKING', currency: 'USD' },
          'CUSTOMER_NOT_FOUND',
        ],
      ];
      for (const [method, path, body, code] of cases) {
        const response = await api.call(method, path, body === undefined ? {} : { body });

        expectProblem(response, 404, code, `${method} ${path}`);
      }
    });

    it('refuses ids that cannot be ids before looking them up', async () => {
      const cases: [string, string, unknown][] = [
        [
          'POST',
          '/transactions/deposit',
          { accountId: 'x'.repeat(65), amount: '1.00', currency: 'USD' },
        ],
        [
          'POST',
          '/transactions/deposit',
          { accountId: '../../etc/passwd', amount: '1.00', currency: 'USD' },
        ],
        [
          'POST',
          '/transactions/deposit',
          { accountId: 'ACCOUNT#1', amount: '1.00', currency: 'USD' },
        ],
        ['POST', '/transactions/deposit', { accountId: 42, amount: '1.00', currency: 'USD' }],
        ['POST', '/transactions/deposit', { accountId: '', amount: '1.00', currency: 'USD' }],
        ['POST', `/accounts/${'y'.repeat(65)}/freeze`, undefined],
        ['POST', '/accounts/bad.id/holds', { amount: '1.00', currency: 'USD', reason: 'x' }],
        ['POST', '/transactions/%23TXN/reverse', { reason: 'x' }],
      ];
      for (const [method, path, body] of cases) {
        const response = await api.call(method, path, body === undefined ? {} : { body });

        expectProblem(
          response,
          400,
          'VALIDATION_FAILED',
          `${method} ${path} ${JSON.stringify(body)}`,
        );
      }
    });

    it('refuses every change to a closed account as ACCOUNT_CLOSED', async () => {
      const cases: [string, string, unknown][] = [
        [
          'POST',
          '/transactions/deposit',
          { accountId: ids.closed, amount: '1.00', currency: 'USD' },
        ],
        [
          'POST',
          '/transactions/withdraw',
          { accountId: ids.closed, amount: '1.00', currency: 'USD' },
        ],
        [
          'POST',
          '/transactions/transfer',
          { fromAccountId: ids.usd, toAccountId: ids.closed, amount: '1.00', currency: 'USD' },
        ],
        [
          'POST',
          '/transactions/transfer',
          { fromAccountId: ids.closed, toAccountId: ids.usd, amount: '1.00', currency: 'USD' },
        ],
        [
          'POST',
          '/transactions/fx-transfer',
          { fromAccountId: ids.jpy, toAccountId: ids.closed, amount: '150', currency: 'JPY' },
        ],
        ['POST', `/accounts/${ids.closed}/holds`, { amount: '1.00', currency: 'USD', reason: 'x' }],
        ['POST', `/accounts/${ids.closed}/freeze`, undefined],
        ['POST', `/accounts/${ids.closed}/unfreeze`, undefined],
        ['POST', `/accounts/${ids.closed}/close`, undefined],
      ];
      for (const [method, path, body] of cases) {
        const response = await api.call(method, path, body === undefined ? {} : { body });

        expectProblem(response, 422, 'ACCOUNT_CLOSED', `${method} ${path} ${JSON.stringify(body)}`);
      }
    });

    it('refuses free text that is empty, too long or carries control characters', async () => {
      const deposit = (extra: Record<string, unknown>) =>
        api.call('POST', '/transactions/deposit', {
          body: { accountId: ids.usd, amount: '1.00', currency: 'USD', ...extra },
        });
      const cases: [string, Promise<ApiResponse>][] = [
        ['a NUL in a description', deposit({ description: 'rent\u0000' })],
        ['an escape sequence', deposit({ description: '\u001b[31mred' })],
        ['501 characters', deposit({ description: 'd'.repeat(501) })],
        ['only spaces', deposit({ description: '   ' })],
        ['an unknown channel', deposit({ channel: 'TELEPATHY' })],
        ['a date that does not exist', deposit({ valueDate: '2026-02-30' })],
        ['a timestamp as a date', deposit({ valueDate: '2026-02-01T00:00:00Z' })],
        [
          'an empty reversal reason',
          api.call('POST', `/transactions/${ids.transaction}/reverse`, { body: { reason: '' } }),
        ],
        [
          'a hold expiring in the past',
          api.call('POST', `/accounts/${ids.usd}/holds`, {
            body: {
              amount: '1.00',
              currency: 'USD',
              reason: 'x',
              expiresAt: '2001-01-01T00:00:00Z',
            },
          }),
        ],
        [
          'a hold expiring "tomorrow"',
          api.call('POST', `/accounts/${ids.usd}/holds`, {
            body: { amount: '1.00', currency: 'USD', reason: 'x', expiresAt: 'tomorrow' },
          }),
        ],
      ];
      for (const [label, pending] of cases)
        expectProblem(await pending, 400, 'VALIDATION_FAILED', label);
    });

    it('refuses bad accounts, customers and FX rates', async () => {
      const open = (extra: Record<string, unknown>) =>
        api.call('POST', '/accounts', {
          body: { customerId: ids.customer, productType: 'CHECKING', currency: 'USD', ...extra },
        });
      const customer = (extra: Record<string, unknown>) =>
        api.call('POST', '/customers', {
          body: { firstName: 'Eve', lastName: 'Mallory', email: 'eve@example.com', ...extra },
        });
      const rate = (body: Record<string, unknown>) => api.call('PUT', '/fx/rates', { body });
      const cases: [string, Promise<ApiResponse>][] = [
        ['an unknown product', open({ productType: 'GOLD' })],
        ['an unknown currency', open({ currency: 'ABC' })],
        ['a negative overdraft', open({ overdraftLimit: '-5.00' })],
        ['an overdraft finer than cents', open({ overdraftLimit: '5.001' })],
        ['an overdraft as a number', open({ overdraftLimit: 5 })],
        ['an overdraft of 1e15', open({ overdraftLimit: '1000000000000000' })],
        ['an invalid email', customer({ email: 'not-an-email' })],
        ['an empty first name', customer({ firstName: '' })],
        ['a phone of letters', customer({ phone: 'call me' })],
        ['a month 13 birthday', customer({ dateOfBirth: '1990-13-01' })],
        ['a lower-case country', customer({ address: { line1: 'x', city: 'y', country: 'usa' } })],
        ['a zero rate', rate({ base: 'USD', quote: 'JPY', rate: '0' })],
        ['a negative rate', rate({ base: 'USD', quote: 'JPY', rate: '-1' })],
        ['an exponent rate', rate({ base: 'USD', quote: 'JPY', rate: '1e3' })],
        ['a rate of 13 decimals', rate({ base: 'USD', quote: 'JPY', rate: '1.0000000000001' })],
        ['a rate of 11 integer digits', rate({ base: 'USD', quote: 'JPY', rate: '12345678901' })],
        ['a numeric rate', rate({ base: 'USD', quote: 'JPY', rate: 1.5 })],
        ['a pair of one currency', rate({ base: 'USD', quote: 'USD', rate: '1' })],
        ['an unknown base', rate({ base: 'ABC', quote: 'USD', rate: '1' })],
      ];
      for (const [label, pending] of cases)
        expectProblem(await pending, 400, 'VALIDATION_FAILED', label);
    });
  });

  it('leaves every balance, hold, history line, rate and GL total as it was', async () => {
    const after = await books();

    expect(after).toEqual(before);
    const verify = await api.call<{ valid: boolean }>('GET', '/audit/verify');
    expect(verify.body.valid).toBe(true);
  });
});
