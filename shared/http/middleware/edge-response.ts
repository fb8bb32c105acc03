import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  InvalidCursorError,
  WriteOutcomeUnknownError,
} from '../../application/ledger/ledger-store';
import type { Principal } from '../../application/identity/ports';
import { permits } from '../../domain/identity/roles';
import type { EdgeSettings } from '../edge-settings';
import { ApiError, problemBody } from '../error-responses';
import type { ResolvedRoute } from '../http-handler';
import { resolveRequestId } from '../request-id';
import { corsHeaders, securityHeaders } from '../response-headers';

/** What the edge knows about one request, shared by the middlewares and the router. */
export interface EdgeState {
  readonly requestId: string;
  readonly startedAtMs: number;
  /** Epoch ms at which the invocation times out. */
  readonly deadlineAt: number;
  /** Request headers with lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  route?: ResolvedRoute;
  principal?: Principal;
  input?: { params: unknown; query: unknown; body: unknown };
}

// Keyed by the event object, which is created per invocation and never replaced by middy.
const states = new WeakMap<APIGatewayProxyEvent, EdgeState>();

/** The edge state of a request; throws if the edge middleware did not run first. */
export function edgeState(event: APIGatewayProxyEvent): EdgeState {
  const state = states.get(event);
  if (state === undefined) throw new Error('edgeResponse() must be the first middleware');
  return state;
}

type EdgeRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * The outermost middleware. Before: correlation id, route resolution (404/405) and the body size
 * limit (413). After and on error: the final response, with problem+json for failures, the
 * security, CORS and correlation headers, and one access log line. Only errors with a public code
 * show their detail; anything else is logged with its cause and answered as a generic 500.
 */
export function edgeResponse(options: {
  readonly settings: EdgeSettings;
  readonly resolve: (event: APIGatewayProxyEvent) => ResolvedRoute;
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const { settings } = options;

  const before = async (request: EdgeRequest): Promise<void> => {
    const { event } = request;
    const headers = lowerCaseHeaders(event.headers);
    const state: EdgeState = {
      requestId: resolveRequestId(headers['x-request-id'], event.requestContext.requestId),
      startedAtMs: performance.now(),
      deadlineAt: Date.now() + request.context.getRemainingTimeInMillis(),
      headers,
    };
    states.set(event, state);
    state.route = options.resolve(event);
    // No handler runs unauthenticated: the token is checked before the body is even parsed.
    const required = state.route.contract.permission;
    if (required !== 'public') {
      state.principal = await authenticate(settings, headers.authorization);
      if (!permits(state.principal.permissions, required)) {
        throw new ApiError('FORBIDDEN', `This operation requires the ${required} permission`);
      }
    }
    const size = bodySize(event);
    if (size > settings.maxBodyBytes) {
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `The body has ${size} bytes; the limit is ${settings.maxBodyBytes}`,
      );
    }
  };

  const finish = (request: EdgeRequest): void => {
    const state = states.get(request.event) ?? {
      requestId: resolveRequestId(undefined, undefined),
      startedAtMs: performance.now(),
      deadlineAt: Date.now(),
      headers: lowerCaseHeaders(request.event.headers),
    };
    const failure = request.error ?? undefined;
    // Middy types the response as always present; a handler that returned nothing proves otherwise.
    const response = (
      failure === undefined ? request.response : problemResponse(failure, state, settings)
    ) as APIGatewayProxyResult | null | undefined;
    if (response === undefined || response === null) {
      throw new Error('The handler produced no response');
    }
    request.response = {
      ...response,
      headers: {
        ...securityHeaders,
        ...corsHeaders(state.headers.origin, settings.corsOrigins),
        ...response.headers,
        'X-Request-Id': state.requestId,
      },
    };
    settings.logger.info('request', {
      requestId: state.requestId,
      route: routeName(request.event, state),
      status: response.statusCode,
      latencyMs: Math.round((performance.now() - state.startedAtMs) * 10) / 10,
      ...(failure instanceof ApiError ? { code: failure.code } : {}),
    });
  };

  return { before, after: finish, onError: finish };
}

const bearer = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

async function authenticate(
  settings: EdgeSettings,
  authorization: string | undefined,
): Promise<Principal> {
  const token = bearer.exec(authorization ?? '')?.[1];
  if (token === undefined) {
    throw new ApiError('UNAUTHENTICATED', 'A bearer access token is required', {
      headers: { 'WWW-Authenticate': 'Bearer realm="nexum"' },
    });
  }
  try {
    return await settings.authenticate(token);
  } catch (cause) {
    throw new ApiError('UNAUTHENTICATED', 'The access token is not valid', {
      headers: { 'WWW-Authenticate': 'Bearer realm="nexum", error="invalid_token"' },
      cause,
    });
  }
}

/**
 * The ledger never confirmed a write, or the invocation ran out of time (middy's early timeout,
 * an SDK timeout): what was asked may or may not have happened.
 */
function outcomeUnknown(failure: unknown): boolean {
  return (
    failure instanceof WriteOutcomeUnknownError ||
    (failure instanceof Error && failure.name === 'TimeoutError')
  );
}

/** The public face of whatever a route threw: unknown failures say nothing but the request id. */
function apiErrorOf(failure: unknown): ApiError {
  if (failure instanceof ApiError) return failure;
  if (failure instanceof InvalidCursorError) {
    return new ApiError('VALIDATION_FAILED', 'The cursor is not valid', {
      errors: [{ path: 'query.cursor', message: 'Not a cursor this API returned' }],
    });
  }
  if (outcomeUnknown(failure)) {
    return new ApiError(
      'SERVICE_UNAVAILABLE',
      'The request ran out of time before its outcome was confirmed. Nothing is applied twice: send it again with the same Idempotency-Key.',
      { headers: { 'Retry-After': '1' }, cause: failure },
    );
  }
  return new ApiError('INTERNAL', 'Internal error. The request id locates it in the logs.', {
    cause: failure,
  });
}

function problemResponse(
  failure: unknown,
  state: EdgeState,
  settings: EdgeSettings,
): APIGatewayProxyResult {
  const error = apiErrorOf(failure);
  if (error.code === 'INTERNAL' || outcomeUnknown(failure)) {
    const message = error.code === 'INTERNAL' ? 'unhandled error' : 'outcome not confirmed';
    settings.logger.error(message, { requestId: state.requestId, error: failure });
  }
  return {
    statusCode: error.status,
    headers: { ...error.headers, 'Content-Type': 'application/problem+json' },
    body: JSON.stringify(problemBody(error, state.requestId)),
  };
}

function routeName(event: APIGatewayProxyEvent, state: EdgeState): string {
  return state.route === undefined
    ? `${event.httpMethod} (unmatched)`
    : `${state.route.contract.method} ${state.route.contract.path}`;
}

function lowerCaseHeaders(
  headers: APIGatewayProxyEvent['headers'] | null | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}

function bodySize(event: APIGatewayProxyEvent): number {
  if (event.body === null || event.body === '') return 0;
  return event.isBase64Encoded
    ? Buffer.byteLength(event.body, 'base64')
    : Buffer.byteLength(event.body, 'utf8');
}
