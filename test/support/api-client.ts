import type { APIGatewayProxyResult } from 'aws-lambda';
import { accountRoutes } from '../../functions/accounts/routes';
import { adminRoutes } from '../../functions/admin/routes';
import { authRoutes } from '../../functions/auth/routes';
import { customerRoutes } from '../../functions/customers/routes';
import { eventRoutes } from '../../functions/events/routes';
import { ledgerRoutes } from '../../functions/ledger/routes';
import { loanRoutes } from '../../functions/loans/routes';
import { notificationRoutes } from '../../functions/notifications/routes';
import { productRoutes } from '../../functions/products/routes';
import { rbacRoutes } from '../../functions/rbac/routes';
import { systemRoutes } from '../../functions/system/routes';
import { transactionRoutes } from '../../functions/transactions/routes';
import { createUser, ensureAdministrator, login } from '../../shared/application/identity/auth';
import { seedSystem } from '../../shared/application/seed-system';
import type { Dependencies } from '../../shared/application/ports';
import type { BusinessDate } from '../../shared/domain/interest/business-date';
import type { EndpointGroup } from '../../shared/contracts/groups';
import { routeList } from '../../shared/contracts/routes';
import { httpHandler, type LambdaHttpHandler } from '../../shared/http/http-handler';
import { createRouteMatcher } from '../../shared/http/route-matcher';
import { edgeSettingsOf } from '../../shared/infrastructure/edge-settings';
import { createRuntime } from '../../shared/infrastructure/production-dependencies';
import type { StoreMetrics } from '../../shared/infrastructure/dynamodb/dynamodb-ledger-store';
import { createLogger, type Logger } from '../../shared/observability/logger';
import { freshTable, type TestTable } from './dynamodb';
import { apiEvent, lambdaContext } from './events';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: T;
  readonly raw: string;
}

/** The administrator every test API starts with (meets the password policy). */
export const TEST_ADMIN_PASSWORD = 'Test-Secret-Passw0rd!';

export interface CallOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** A bearer token; the administrator's by default, none with null. */
  readonly token?: string | null;
}

export interface TestApi {
  readonly table: TestTable;
  readonly deps: Dependencies;
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: CallOptions,
  ): Promise<ApiResponse<T>>;
  /** A user with `roles` and the access token it signed in with. */
  tokenFor(roles: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Every group's real handler over a fresh, seeded table on DynamoDB Local, called in-process with
 * API Gateway events routed exactly as the local server routes them. Only the HTTP socket is
 * missing; the e2e tier covers that.
 */
export async function createTestApi(
  label: string,
  options: {
    metrics?: StoreMetrics;
    logger?: Logger;
    /** Tests that change users or roles and look at the next request set 0 (no cache). */
    principalCacheTtlSeconds?: number;
    /** "Today" for the loan routes (default: the clock's date); loan tests move it. */
    loanToday?: () => BusinessDate;
    /** Adapters to use instead of the environment's (e.g. a scorer aimed at a local Bastion). */
    overrides?: Partial<Dependencies> | ((base: Dependencies) => Partial<Dependencies>);
  } = {},
): Promise<TestApi> {
  const table = await freshTable(label);
  const runtime = createRuntime(
    {
      ...table.environment,
      principalCacheTtlSeconds:
        options.principalCacheTtlSeconds ?? table.environment.principalCacheTtlSeconds,
    },
    options.metrics === undefined ? {} : { metrics: options.metrics },
  );
  // Errors go to stderr, so a failure on CI shows its cause (NEXUM_TEST_LOG=debug shows all,
  // NEXUM_TEST_LOG=off nothing).
  const logLevel = process.env.NEXUM_TEST_LOG === 'debug' ? 'debug' : 'error';
  const logger =
    options.logger ??
    createLogger({
      level: logLevel,
      sink:
        process.env.NEXUM_TEST_LOG === 'off'
          ? () => undefined
          : (line) => process.stderr.write(`${line}\n`),
    });
  const base: Dependencies = { ...runtime.dependencies, logger };
  const overrides =
    typeof options.overrides === 'function' ? options.overrides(base) : options.overrides;
  const deps: Dependencies = { ...base, ...overrides };
  await seedSystem(deps);
  await ensureAdministrator(deps, TEST_ADMIN_PASSWORD);
  const adminLogin = await login(deps, { username: 'admin', password: TEST_ADMIN_PASSWORD });
  if (!adminLogin.ok) throw new Error('The test administrator could not sign in');
  const adminToken = adminLogin.value.accessToken;
  const settings = edgeSettingsOf(runtime.environment, deps);
  const handlers: Record<EndpointGroup, LambdaHttpHandler> = {
    system: httpHandler({ group: 'system', settings, implementations: systemRoutes(deps) }),
    auth: httpHandler({ group: 'auth', settings, implementations: authRoutes(deps) }),
    customers: httpHandler({ group: 'customers', settings, implementations: customerRoutes(deps) }),
    accounts: httpHandler({ group: 'accounts', settings, implementations: accountRoutes(deps) }),
    transactions: httpHandler({
      group: 'transactions',
      settings,
      implementations: transactionRoutes(deps),
    }),
    ledger: httpHandler({ group: 'ledger', settings, implementations: ledgerRoutes(deps) }),
    rbac: httpHandler({ group: 'rbac', settings, implementations: rbacRoutes(deps) }),
    loans: httpHandler({
      group: 'loans',
      settings,
      implementations: loanRoutes(deps, options.loanToday),
    }),
    admin: httpHandler({ group: 'admin', settings, implementations: adminRoutes(deps) }),
    events: httpHandler({ group: 'events', settings, implementations: eventRoutes(deps) }),
    notifications: httpHandler({
      group: 'notifications',
      settings,
      implementations: notificationRoutes(deps),
    }),
    products: httpHandler({ group: 'products', settings, implementations: productRoutes(deps) }),
  };
  const match = createRouteMatcher(routeList());
  return {
    table,
    deps,
    call: async <T>(method: string, target: string, callOptions: CallOptions = {}) => {
      const url = new URL(target, 'http://localhost');
      const matched = match(method, url.pathname);
      const query = Object.fromEntries(url.searchParams);
      const event = apiEvent({
        method,
        path: url.pathname,
        resource: matched.kind === 'matched' ? matched.route.path : '/{proxy+}',
        ...(matched.kind === 'matched' ? { pathParameters: matched.pathParameters } : {}),
        ...(Object.keys(query).length > 0 ? { query } : {}),
        headers: {
          ...(callOptions.token === null
            ? {}
            : { Authorization: `Bearer ${callOptions.token ?? adminToken}` }),
          ...callOptions.headers,
        },
        ...(callOptions.body === undefined
          ? {}
          : {
              body:
                typeof callOptions.body === 'string'
                  ? callOptions.body
                  : (callOptions.body as object),
            }),
      });
      event.requestContext.path = event.path; // No stage prefix: links match the local server's.
      const group: EndpointGroup = matched.kind === 'matched' ? matched.route.group : 'system';
      const result: APIGatewayProxyResult = await handlers[group](event, lambdaContext);
      return {
        status: result.statusCode,
        headers: Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
        ),
        body: (result.headers?.['Content-Type']?.toString().includes('json') === true
          ? JSON.parse(result.body)
          : {}) as T,
        raw: result.body,
      };
    },
    tokenFor: async (roles) => {
      const username = `user-${deps.ids.next().toLowerCase()}`;
      const created = await createUser(deps, {
        username,
        password: TEST_ADMIN_PASSWORD,
        roles,
        actor: 'test',
      });
      if (!created.ok) throw new Error(`creating ${username} failed`);
      const signedIn = await login(deps, { username, password: TEST_ADMIN_PASSWORD });
      if (!signedIn.ok) throw new Error(`${username} could not sign in`);
      return signedIn.value.accessToken;
    },
    close: () => table.drop(),
  };
}

/** How many answers had each status (and code), e.g. { '201': 50, '422 INSUFFICIENT_FUNDS': 50 }. */
export function tally(responses: readonly ApiResponse<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) {
    const code = (response.body as { code?: string } | undefined)?.code;
    const key = code === undefined ? String(response.status) : `${response.status} ${code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Opens a customer and an account with an optional opening deposit; returns the account id. */
export async function anAccount(
  api: TestApi,
  options: {
    currency?: string;
    deposit?: string;
    overdraftLimit?: string;
    customerId?: string;
    /** KYC tier of the new customer, VERIFIED (default 3, the widest limits). */
    kycTier?: number;
  } = {},
): Promise<string> {
  const currency = options.currency ?? 'USD';
  const customerId = options.customerId ?? (await aVerifiedCustomer(api, options.kycTier ?? 3));
  const opened = await api.call('POST', '/accounts', {
    body: {
      customerId,
      productType: 'CHECKING',
      currency,
      ...(options.overdraftLimit === undefined ? {} : { overdraftLimit: options.overdraftLimit }),
    },
  });
  if (opened.status !== 201) throw new Error(`open account failed: ${opened.raw}`);
  const accountId = String(opened.body.id);
  if (options.deposit !== undefined) {
    const deposited = await api.call('POST', '/transactions/deposit', {
      body: { accountId, amount: options.deposit, currency },
    });
    if (deposited.status !== 201) throw new Error(`deposit failed: ${deposited.raw}`);
  }
  return accountId;
}

/** Registers a customer whose KYC is VERIFIED at `tier`; returns the customer id. */
export async function aVerifiedCustomer(api: TestApi, tier = 3): Promise<string> {
  const created = await api.call('POST', '/customers', {
    body: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  });
  if (created.status !== 201) throw new Error(`create customer failed: ${created.raw}`);
  const customerId = String(created.body.id);
  const verified = await api.call('PUT', `/customers/${customerId}/kyc`, {
    body: { status: 'VERIFIED', tier },
  });
  if (verified.status !== 200) throw new Error(`KYC update failed: ${verified.raw}`);
  return customerId;
}

/**
 * Sends a request as API.md asks a client to: a `409 CONFLICT` (the accounts were busy; nothing
 * changed) or a `503 SERVICE_UNAVAILABLE` (out of time, outcome unknown) is sent again with the
 * same Idempotency-Key after a short pause, until another answer comes. `retries` counts the conflicts met, for the tests that report them.
 */
export async function callAsClient<T = Record<string, unknown>>(
  api: TestApi,
  method: string,
  path: string,
  options: CallOptions,
  retries: { conflicts: number } = { conflicts: 0 },
): Promise<ApiResponse<T>> {
  const headers = { 'Idempotency-Key': `client-${api.deps.ids.next()}`, ...options.headers };
  for (let attempt = 1; ; attempt += 1) {
    const response = await api.call<T>(method, path, { ...options, headers });
    const code = (response.body as { code?: unknown }).code;
    const retryable =
      (response.status === 409 && code === 'CONFLICT') ||
      (response.status === 503 && code === 'SERVICE_UNAVAILABLE');
    if (!retryable || attempt >= 20) return response;
    retries.conflicts += 1;
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

/**
 * The body of `POST /loans` most tests apply with: 10,000.00 at 12 % for 12 months, monthly,
 * 30/360, disbursed 2027-01-01 (installment 888.49); `extra` overrides or adds fields.
 */
export function aLoanApplication(
  customerId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    customerId,
    principal: '10000.00',
    currency: 'USD',
    annualInterestRate: '0.12',
    termMonths: 12,
    paymentFrequency: 'MONTHLY',
    amortizationMethod: 'EQUAL_INSTALLMENT',
    dayCountConvention: 'THIRTY_360',
    expectedDisbursementDate: '2027-01-01',
    firstPaymentDate: '2027-02-01',
    ...extra,
  };
}

/** An account's posted balance, as the API reports it (a decimal string). */
export async function balanceOf(api: TestApi, accountId: string): Promise<string> {
  const got = await api.call<{ balance: { amount: string } }>('GET', `/accounts/${accountId}`);
  if (got.status !== 200) throw new Error(`reading account ${accountId} failed: ${got.raw}`);
  return got.body.balance.amount;
}
