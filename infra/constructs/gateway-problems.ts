import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** An RFC 9457 problem that API Gateway or WAF sends without a function being involved. */
export interface GatewayProblem {
  /** A code of the edge's error table (shared/http/error-responses.ts). */
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
}

/**
 * Answers API Gateway gives on its own (throttling, a request it rejects before any function
 * runs), in the problem+json shape the functions use, so clients parse one error format.
 *
 * infra/ may not import the edge (lint layer rule), so codes, statuses and titles are repeated
 * here; test/infra/gateway-problems.test.ts fails when they drift from the edge's table.
 */
export const gatewayProblems: ReadonlyArray<
  GatewayProblem & { readonly type: apigw.ResponseType }
> = [
  {
    type: apigw.ResponseType.THROTTLED,
    code: 'RATE_LIMITED',
    status: 429,
    title: 'Too many requests',
    detail: 'The request rate limit was exceeded; retry with backoff',
  },
  {
    type: apigw.ResponseType.QUOTA_EXCEEDED,
    code: 'RATE_LIMITED',
    status: 429,
    title: 'Too many requests',
    detail: 'The request quota for this client is used up',
  },
  {
    type: apigw.ResponseType.BAD_REQUEST_PARAMETERS,
    code: 'VALIDATION_FAILED',
    status: 400,
    title: 'The request is not valid',
    detail: 'A required request parameter is missing',
  },
  {
    type: apigw.ResponseType.BAD_REQUEST_BODY,
    code: 'VALIDATION_FAILED',
    status: 400,
    title: 'The request is not valid',
    detail: 'The request body does not match the schema of this route',
  },
  {
    type: apigw.ResponseType.REQUEST_TOO_LARGE,
    code: 'PAYLOAD_TOO_LARGE',
    status: 413,
    title: 'The request body is too large',
    detail: 'The request is larger than API Gateway accepts',
  },
  {
    type: apigw.ResponseType.UNSUPPORTED_MEDIA_TYPE,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    status: 415,
    title: 'The request body must be application/json',
    detail: 'Send the body as application/json',
  },
  {
    // Every resource has an ANY fallback, so API Gateway answers this only for a path that no
    // resource matches at all.
    type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    code: 'ROUTE_NOT_FOUND',
    status: 404,
    title: 'No such route',
    detail: 'No route matches this path',
  },
  {
    type: apigw.ResponseType.INVALID_API_KEY,
    code: 'FORBIDDEN',
    status: 403,
    title: 'Not allowed',
    detail: 'The API key is missing or not valid',
  },
  {
    type: apigw.ResponseType.ACCESS_DENIED,
    code: 'FORBIDDEN',
    status: 403,
    title: 'Not allowed',
    detail: 'Access denied',
  },
  {
    type: apigw.ResponseType.WAF_FILTERED,
    code: 'FORBIDDEN',
    status: 403,
    title: 'Not allowed',
    detail: 'The request was blocked by the firewall',
  },
  {
    type: apigw.ResponseType.UNAUTHORIZED,
    code: 'UNAUTHENTICATED',
    status: 401,
    title: 'Authentication required',
    detail: 'A valid access token is required',
  },
  {
    type: apigw.ResponseType.INTEGRATION_TIMEOUT,
    code: 'SERVICE_UNAVAILABLE',
    status: 503,
    title: 'A dependency is unavailable',
    detail: 'The service did not answer in time; retry with backoff',
  },
  {
    // A function crash or timeout; the function itself answers INTERNAL the same way.
    type: apigw.ResponseType.DEFAULT_5XX,
    code: 'INTERNAL',
    status: 500,
    title: 'Internal error',
    detail: 'Internal error. The requestId identifies it in the logs',
  },
];

/** The 429 WAF sends to a source IP over the per-minute limit. */
export const rateLimitedByFirewall: GatewayProblem = {
  code: 'RATE_LIMITED',
  status: 429,
  title: 'Too many requests',
  detail: 'Too many requests from this address; retry in a minute',
};

/** The problem+json body, with `type` derived from the code as the edge does. */
export function problemJson(problem: GatewayProblem, requestId: string): string {
  return JSON.stringify({
    type: `https://nexum.dev/problems/${problem.code.toLowerCase().replaceAll('_', '-')}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    requestId,
  });
}

/**
 * Adds the problem+json gateway responses to `api`; API Gateway fills in `$context.requestId`.
 * A CORS header is added only when one origin (or `*`) is allowed: gateway responses have static
 * headers, and echoing whatever Origin arrives would widen the tenant's allow-list.
 */
export function addGatewayProblems(api: apigw.RestApi, corsOrigins: readonly string[]): void {
  const singleOrigin = corsOrigins.length === 1 ? corsOrigins[0] : undefined;
  for (const problem of gatewayProblems) {
    api.addGatewayResponse(`Problem${problem.type.responseType}`, {
      type: problem.type,
      statusCode: String(problem.status),
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        'Cache-Control': "'no-store'",
        'X-Content-Type-Options': "'nosniff'",
        // Usage-plan throttling refills every second; a quota lasts its period, a day at most.
        ...(problem.type === apigw.ResponseType.THROTTLED ? { 'Retry-After': "'1'" } : {}),
        ...(problem.type === apigw.ResponseType.QUOTA_EXCEEDED ? { 'Retry-After': "'3600'" } : {}),
        ...(singleOrigin === undefined
          ? {}
          : { 'Access-Control-Allow-Origin': `'${singleOrigin}'` }),
      },
      templates: { 'application/json': problemJson(problem, '$context.requestId') },
    });
  }
}
