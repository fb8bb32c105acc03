import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { EndpointGroup } from '../contracts/groups';
import { routeList } from '../contracts/routes';
import { ApiError, problemBody } from '../http/error-responses';
import type { LambdaHttpHandler } from '../http/http-handler';
import { preflightHeaders, securityHeaders } from '../http/response-headers';
import { createRouteMatcher } from '../http/route-matcher';
import { lambdaContext } from './lambda-context';
import { rateLimitHeaders, type SlidingWindowRateLimiter } from './rate-limiter';

/** API Gateway's own payload limit; the functions enforce the tighter NEXUM_MAX_BODY_BYTES. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalServerOptions {
  readonly handlers: Record<EndpointGroup, () => Promise<LambdaHttpHandler>>;
  readonly corsOrigins: readonly string[];
  /** The gateway's per-client limit (WAF's per-IP rate rule in AWS); absent = unlimited. */
  readonly rateLimiter?: SlidingWindowRateLimiter | undefined;
}

/**
 * Plays API Gateway (REST API, Lambda proxy integration) in front of the real handlers: matches
 * the route table, builds the v1 proxy event, invokes the group's handler as Lambda would, and
 * writes its result back. Preflight requests are answered here, as the gateway's OPTIONS methods
 * do in AWS; unmatched paths go to the system function, like the `/{proxy+}` catch-all.
 */
export function createLocalServer(options: LocalServerOptions): Server {
  const matchRoute = createRouteMatcher(routeList());
  const loaded = new Map<EndpointGroup, Promise<LambdaHttpHandler>>();
  const handlerOf = (group: EndpointGroup): Promise<LambdaHttpHandler> => {
    let handler = loaded.get(group);
    if (handler === undefined) {
      handler = options.handlers[group]();
      loaded.set(group, handler);
    }
    return handler;
  };

  return createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      // The gateway answers for a crashed integration; the function's own logs hold the cause.
      process.stderr.write(`local gateway: ${String(error)}\n`);
      if (!response.headersSent) writeProblem(response, new ApiError('INTERNAL', 'Internal error'));
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (method === 'OPTIONS') {
      const origin = headerValue(request.headers.origin);
      response.writeHead(204, preflightHeaders(origin, options.corsOrigins)).end();
      return;
    }
    const limited = options.rateLimiter?.admit(clientOf(request));
    if (limited !== undefined && !limited.allowed) {
      // Drain the body so the connection stays usable, then refuse without invoking anything.
      request.resume();
      writeProblem(
        response,
        new ApiError(
          'RATE_LIMITED',
          `More than ${limited.limit} requests per minute from this client; retry after ${limited.retryAfterSeconds} s`,
        ),
        rateLimitHeaders(limited),
      );
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      writeProblem(response, new ApiError('PAYLOAD_TOO_LARGE', 'The body exceeds 10 MiB'));
      return;
    }
    const match = matchRoute(method, url.pathname);
    const group: EndpointGroup = match.kind === 'matched' ? match.route.group : 'system';
    const event = toProxyEvent(request, url, body, match.kind === 'matched' ? match : undefined);
    const handler = await handlerOf(group);
    const result = await handler(event, lambdaContext(`nexum-local-${group}`));
    writeResult(response, result, limited === undefined ? {} : rateLimitHeaders(limited));
  }
}

/** The client a limit applies to: the connection's source address, as WAF sees the source IP. */
function clientOf(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

function toProxyEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  match: { route: { path: string }; pathParameters: Record<string, string> } | undefined,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    multiValueHeaders[name] = values;
    headers[name] = values.join(',');
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiValueQuery[name] = [...(multiValueQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;
  const text = body.toString('utf8');
  const binary = !Buffer.from(text, 'utf8').equals(body);
  const resource = match?.route.path ?? '/{proxy+}';
  const method = request.method ?? 'GET';
  return {
    resource,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: match === undefined ? { proxy: url.pathname.slice(1) } : match.pathParameters,
    stageVariables: null,
    body: body.length === 0 ? null : binary ? body.toString('base64') : text,
    isBase64Encoded: binary,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: method,
      path: url.pathname,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      identity: {
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? null,
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function writeResult(
  response: ServerResponse,
  result: APIGatewayProxyResult,
  extraHeaders: Record<string, string>,
): void {
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name] = values.map(String);
  }
  const body = result.isBase64Encoded === true ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode, headers).end(body);
}

function writeProblem(
  response: ServerResponse,
  error: ApiError,
  extraHeaders: Record<string, string> = {},
): void {
  const requestId = randomUUID();
  response
    .writeHead(error.status, {
      ...securityHeaders,
      ...extraHeaders,
      'Content-Type': 'application/problem+json',
      'X-Request-Id': requestId,
    })
    .end(JSON.stringify(problemBody(error, requestId)));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
