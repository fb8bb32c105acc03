import type { APIGatewayProxyResult } from 'aws-lambda';
import { accountRoutes } from '../../functions/accounts/routes';
import { customerRoutes } from '../../functions/customers/routes';
import { ledgerRoutes } from '../../functions/ledger/routes';
import { systemRoutes } from '../../functions/system/routes';
import { transactionRoutes } from '../../functions/transactions/routes';
import { seedSystem } from '../../shared/application/seed-system';
import type { Dependencies } from '../../shared/application/ports';
import type { EndpointGroup } from '../../shared/contracts/groups';
import { routeList } from '../../shared/contracts/routes';
import { httpHandler, type LambdaHttpHandler } from '../../shared/http/http-handler';
import { createRouteMatcher } from '../../shared/http/route-matcher';
import { edgeSettingsOf } from '../../shared/infrastructure/edge-settings';
import { createRuntime } from '../../shared/infrastructure/production-dependencies';
import type { StoreMetrics } from '../../shared/infrastructure/dynamodb/dynamodb-ledger-store';
import { createLogger } from '../../shared/observability/logger';
import { freshTable, type TestTable } from './dynamodb';
import { apiEvent, lambdaContext } from './events';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: T;
  readonly raw: string;
}

export interface TestApi {
  readonly table: TestTable;
  readonly deps: Dependencies;
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/**
 * Every group's real handler over a fresh, seeded table on DynamoDB Local, called in-process with
 * API Gateway events routed exactly as the local server routes them. Only the HTTP socket is
 * missing; the e2e tier covers that.
 */
export async function createTestApi(
  label: string,
  options: { metrics?: StoreMetrics } = {},
): Promise<TestApi> {
  const table = await freshTable(label);
  const runtime = createRuntime(table.environment, options);
  const logger = createLogger({
    level: 'error',
    sink: process.env.NEXUM_TEST_LOG === '1' ? (line) => process.stderr.write(`${line}\n`) : () => undefined,
  });
  const deps: Dependencies = { ...runtime.dependencies, logger };
  await seedSystem(deps);
  const settings = edgeSettingsOf(runtime.environment, logger);
  const handlers: Record<EndpointGroup, LambdaHttpHandler> = {
    system: httpHandler({ group: 'system', settings, implementations: systemRoutes(deps) }),
    customers: httpHandler({ group: 'customers', settings, implementations: customerRoutes(deps) }),
    accounts: httpHandler({ group: 'accounts', settings, implementations: accountRoutes(deps) }),
    transactions: httpHandler({
      group: 'transactions',
      settings,
      implementations: transactionRoutes(deps),
    }),
    ledger: httpHandler({ group: 'ledger', settings, implementations: ledgerRoutes(deps) }),
  };
  const match = createRouteMatcher(routeList());
  return {
    table,
    deps,
    call: async <T>(
      method: string,
      target: string,
      callOptions: { body?: unknown; headers?: Record<string, string> } = {},
    ) => {
      const url = new URL(target, 'http://localhost');
      const matched = match(method, url.pathname);
      const query = Object.fromEntries(url.searchParams);
      const event = apiEvent({
        method,
        path: url.pathname,
        resource: matched.kind === 'matched' ? matched.route.path : '/{proxy+}',
        ...(matched.kind === 'matched' ? { pathParameters: matched.pathParameters } : {}),
        ...(Object.keys(query).length > 0 ? { query } : {}),
        ...(callOptions.headers === undefined ? {} : { headers: callOptions.headers }),
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
        body: (result.body === '' ? {} : JSON.parse(result.body)) as T,
        raw: result.body,
      };
    },
    close: () => table.drop(),
  };
}

/** Opens a customer and an account with an optional opening deposit; returns the account id. */
export async function anAccount(
  api: TestApi,
  options: {
    currency?: string;
    deposit?: string;
    overdraftLimit?: string;
    customerId?: string;
  } = {},
): Promise<string> {
  const currency = options.currency ?? 'USD';
  const customerId =
    options.customerId ??
    String(
      (
        await api.call('POST', '/customers', {
          body: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
        })
      ).body.id,
    );
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
