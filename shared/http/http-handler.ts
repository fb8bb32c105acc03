import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Principal } from '../application/identity/ports';
import type { EndpointGroup } from '../contracts/groups';
import type { RouteContract, RouteInput, RouteOutput } from '../contracts/route';
import {
  routeList,
  routeTable,
  type GroupOperationId,
  type OperationId,
  type RouteTable,
} from '../contracts/routes';
import type { EdgeSettings } from './edge-settings';
import { ApiError } from './error-responses';
import { edgeResponse, edgeState } from './middleware/edge-response';
import { jsonBody } from './middleware/json-body';
import { validateRequest } from './middleware/validate-request';
import { createRouteMatcher, type RouteMatcher } from './route-matcher';

/** What a route implementation receives: the validated input plus request metadata. */
export type RouteRequest<R> = RouteInput<R> & {
  /** Request headers with lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly requestId: string;
  /** The prefix in front of the API's paths (the stage in AWS), '' locally. */
  readonly basePath: string;
  /** The authenticated caller; undefined only on public routes. */
  readonly principal: Principal | undefined;
  /** Epoch ms at which this invocation times out. */
  readonly deadlineAt: number;
};

/**
 * What a route implementation answers: a body, and a status or headers when not the default. A
 * command answers with its body already serialised, so a replay is byte-identical to the first.
 */
export type Reply<T> = {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
} & ({ readonly body: T } | { readonly serialized: string });

export type RouteImplementation<R> = (request: RouteRequest<R>) => Promise<Reply<RouteOutput<R>>>;

/** Any route's implementation, once its types have been checked against its contract. */
export type BoundImplementation = (request: never) => Promise<Reply<unknown>>;

/** The implementations of every route of a group; a missing one fails the build. */
export type GroupImplementations<G extends EndpointGroup> = {
  readonly [K in GroupOperationId<G>]: RouteImplementation<RouteTable[K]>;
};

/** A route of this group resolved for one request. */
export interface ResolvedRoute {
  readonly operationId: string;
  readonly contract: RouteContract;
  readonly implementation: BoundImplementation;
  readonly pathParameters: Readonly<Record<string, string>>;
}

export type LambdaHttpHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

const tableMatcher = createRouteMatcher(routeList());

/** A route contract bound to its implementation. */
export interface RouteBinding {
  readonly operationId: string;
  readonly contract: RouteContract;
  readonly implementation: BoundImplementation;
}

/**
 * The Lambda handler of one endpoint group: the one middleware stack every group shares
 * (correlation, body limit, JSON parsing, zod validation, problem+json, headers, access log)
 * around a router over the group's routes.
 */
export function httpHandler<G extends EndpointGroup>(options: {
  readonly group: G;
  readonly settings: EdgeSettings;
  readonly implementations: GroupImplementations<G>;
}): LambdaHttpHandler {
  const implementations = options.implementations as unknown as Record<
    OperationId,
    BoundImplementation
  >;
  const bindings = (Object.keys(implementations) as OperationId[]).map((operationId) => ({
    operationId,
    contract: routeTable[operationId],
    implementation: implementations[operationId],
  }));
  return edgeHandler({ settings: options.settings, bindings, matchRoute: tableMatcher });
}

/**
 * The middleware stack around a router over `bindings`. `matchRoute` knows every route of the
 * API, so a path served by no route is a 404 and a known path under another method is a 405.
 */
export function edgeHandler(options: {
  readonly settings: EdgeSettings;
  readonly bindings: readonly RouteBinding[];
  readonly matchRoute: RouteMatcher<Pick<RouteContract, 'method' | 'path'>>;
}): LambdaHttpHandler {
  const byResource = new Map<string, RouteBinding>();
  for (const binding of options.bindings) {
    byResource.set(`${binding.contract.method} ${binding.contract.path}`, binding);
  }

  const resolve = (event: APIGatewayProxyEvent): ResolvedRoute => {
    // API Gateway names the matched resource template; the catch-all `/{proxy+}` and the local
    // server's fallback leave matching to the route table.
    const direct = byResource.get(`${event.httpMethod} ${event.resource}`);
    if (direct !== undefined)
      return { ...direct, pathParameters: definedValues(event.pathParameters) };
    const match = options.matchRoute(event.httpMethod, event.path);
    if (match.kind === 'method-not-allowed') {
      throw new ApiError('METHOD_NOT_ALLOWED', `${event.httpMethod} is not allowed here`, {
        headers: { Allow: match.allowed.join(', ') },
      });
    }
    const bound =
      match.kind === 'matched'
        ? byResource.get(`${match.route.method} ${match.route.path}`)
        : undefined;
    if (match.kind === 'matched' && bound !== undefined) {
      return { ...bound, pathParameters: match.pathParameters };
    }
    throw new ApiError('ROUTE_NOT_FOUND', `No route for ${event.httpMethod} ${event.path}`);
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(edgeResponse({ settings: options.settings, resolve }))
    .use(jsonBody())
    .use(validateRequest())
    .handler(async (event) => {
      const state = edgeState(event);
      const route = state.route;
      const input = state.input;
      if (route === undefined || input === undefined) {
        throw new Error('The edge middleware did not resolve the route');
      }
      const reply = await route.implementation({
        ...input,
        headers: state.headers,
        requestId: state.requestId,
        basePath: basePathOf(event),
        principal: state.principal,
        deadlineAt: state.deadlineAt,
      } as never);
      return toResult(route.contract, reply, options.settings);
    });
}

/**
 * The path prefix in front of our routes: the stage (`/v1`) or a custom domain's base path in
 * AWS, nothing locally. Links the API hands out (OpenAPI servers, Location) start with it.
 */
function basePathOf(event: APIGatewayProxyEvent): string {
  const full = event.requestContext.path;
  return full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
}

function toResult(
  contract: RouteContract,
  reply: Reply<unknown>,
  settings: EdgeSettings,
): APIGatewayProxyResult {
  const statusCode = reply.status ?? contract.success.status;
  const headers = { ...reply.headers };
  if ('serialized' in reply) {
    if (settings.validateResponses && contract.success.schema !== undefined && statusCode < 300) {
      assertMatches(contract, JSON.parse(reply.serialized));
    }
    return {
      statusCode,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: reply.serialized,
    };
  }
  if (contract.success.raw !== undefined) {
    const body = reply.body;
    const contentType = headers['Content-Type'] ?? contract.success.raw.contentType;
    if (typeof body === 'string') {
      return { statusCode, headers: { 'Content-Type': contentType, ...headers }, body };
    }
    if (body instanceof Uint8Array) {
      return {
        statusCode,
        headers: { 'Content-Type': contentType, ...headers },
        body: Buffer.from(body).toString('base64'),
        isBase64Encoded: true,
      };
    }
    throw new Error(`Route ${contract.method} ${contract.path} returned a non-raw body`);
  }
  let body = reply.body;
  if (settings.validateResponses && contract.success.schema !== undefined) {
    body = assertMatches(contract, body);
  }
  if (statusCode === 204) return { statusCode, headers, body: '' };
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function definedValues(
  record: Readonly<Record<string, string | undefined>> | null,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(record ?? {})) {
    if (value !== undefined) result[key] = value;
  }
  return result;
}

function assertMatches(contract: RouteContract, body: unknown): unknown {
  const checked = contract.success.schema?.safeParse(body);
  if (checked !== undefined && !checked.success) {
    throw new Error(`Response of ${contract.method} ${contract.path} breaks its schema`, {
      cause: checked.error,
    });
  }
  return checked === undefined ? body : checked.data;
}
