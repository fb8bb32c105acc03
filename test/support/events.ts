import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { lambdaContext as localLambdaContext } from '../../shared/local/lambda-context';

const fixture = JSON.parse(
  readFileSync(new URL('./events/rest-api-proxy-event.json', import.meta.url), 'utf8'),
) as APIGatewayProxyEvent;

/**
 * A REST API (v1) Lambda proxy event as API Gateway sends it on stage `v1`, built from the
 * recorded fixture. `resource` defaults to the path (a route without parameters); pass it for
 * templated routes, or `/{proxy+}` for the catch-all.
 */
export function apiEvent(request: {
  method?: string;
  path: string;
  resource?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | object;
}): APIGatewayProxyEvent {
  const method = request.method ?? 'GET';
  const body =
    request.body === undefined
      ? null
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  const headers = {
    ...fixture.headers,
    ...(typeof request.body === 'object' ? { 'Content-Type': 'application/json' } : {}),
    ...request.headers,
  };
  return {
    ...structuredClone(fixture),
    resource: request.resource ?? request.path,
    path: request.path,
    httpMethod: method,
    headers,
    queryStringParameters: request.query ?? null,
    pathParameters: request.pathParameters ?? null,
    body,
    requestContext: {
      ...structuredClone(fixture.requestContext),
      httpMethod: method,
      path: `/v1${request.path}`,
      resourcePath: request.resource ?? request.path,
    },
  };
}

/** A Lambda context for handler tests (the Powertools testing pattern). */
export const lambdaContext: Context = {
  ...localLambdaContext('nexum-test'),
  // Constant, so a test running longer than a Lambda timeout does not trip middy's early timeout.
  getRemainingTimeInMillis: () => 10_000,
};
