import { describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { defineRoute } from '../../../../shared/contracts/route';
import { edgeHandler, type RouteBinding } from '../../../../shared/http/http-handler';
import { createRouteMatcher } from '../../../../shared/http/route-matcher';
import { apiEvent, lambdaContext } from '../../../support/events';
import { capturedLogger } from '../../../support/log-capture';

// Fixture routes exercising every part of the edge; they are not part of the API.
const createThing = defineRoute({
  method: 'POST',
  path: '/things',
  group: 'system',
  permission: 'public',
  summary: 'test',
  body: z.strictObject({
    name: z.string().min(1),
    email: z.email().optional(),
    amount: z.string().regex(/^\d+(\.\d{1,2})?$/),
    nested: z.strictObject({ tag: z.string() }).optional(),
  }),
  success: { status: 201, description: 'created', schema: z.object({ id: z.string() }) },
});
const getThing = defineRoute({
  method: 'GET',
  path: '/things/{thingId}',
  group: 'system',
  permission: 'public',
  summary: 'test',
  params: z.strictObject({ thingId: z.string().regex(/^[A-Z0-9]{4,26}$/) }),
  query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
  success: {
    status: 200,
    description: 'ok',
    schema: z.object({ id: z.string(), limit: z.number() }),
  },
});
const brokenThing = defineRoute({
  method: 'DELETE',
  path: '/things/{thingId}',
  group: 'system',
  permission: 'public',
  summary: 'test',
  success: { status: 200, description: 'ok', schema: z.object({ id: z.string() }) },
});

function setup(
  options: { validateResponses?: boolean; maxBodyBytes?: number; slowMs?: number } = {},
) {
  const logs = capturedLogger();
  const bindings: RouteBinding[] = [
    {
      operationId: 'createThing',
      contract: createThing,
      implementation: async () => ({ body: { id: 'T1' } }),
    },
    {
      operationId: 'getThing',
      contract: getThing,
      implementation: async (request: {
        params: { thingId: string };
        query: { limit: number };
      }) => ({
        body: { id: request.params.thingId, limit: request.query.limit },
      }),
    },
    {
      operationId: 'brokenThing',
      contract: brokenThing,
      implementation: async () => {
        if (options.slowMs !== undefined) {
          await new Promise((wake) => setTimeout(wake, options.slowMs));
          return { body: { id: 'T1' } };
        }
        if (options.validateResponses === true) return { body: { identifier: 'wrong shape' } };
        throw new Error('database exploded', { cause: new Error('socket hang up') });
      },
    },
  ];
  const handler = edgeHandler({
    settings: {
      corsOrigins: ['https://console.example.com'],
      maxBodyBytes: options.maxBodyBytes ?? 65_536,
      validateResponses: options.validateResponses ?? false,
      logger: logs.logger,
      authenticate: () => Promise.reject(new Error('fixture routes are public')),
    },
    bindings,
    matchRoute: createRouteMatcher(bindings.map((binding) => binding.contract)),
  });
  return { handler, logs };
}

/** A call of the route that fails (or, with `slowMs`, takes its time). */
const brokenThingEvent = () =>
  apiEvent({
    method: 'DELETE',
    path: '/things/ABCD',
    resource: '/things/{thingId}',
    pathParameters: { thingId: 'ABCD' },
  });

const problemOf = (result: APIGatewayProxyResult) =>
  JSON.parse(result.body) as {
    code: string;
    status: number;
    requestId: string;
    errors?: { path: string; message: string }[];
  };

describe('the HTTP edge', () => {
  it('parses, validates and answers with the contract status', async () => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({ method: 'POST', path: '/things', body: { name: 'a', amount: '10.50' } }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(201);
    expect(JSON.parse(result.body)).toEqual({ id: 'T1' });
    expect(result.headers?.['Content-Type']).toBe('application/json');
  });

  it('rejects unknown fields, listing each with its path', async () => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({
        method: 'POST',
        path: '/things',
        body: { name: 'a', amount: '1', role: 'ADMIN', nested: { tag: 'x', evil: true } },
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
    expect(result.headers?.['Content-Type']).toBe('application/problem+json');
    const problem = problemOf(result);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { path: 'role', message: 'Unknown field' },
        { path: 'nested.evil', message: 'Unknown field' },
      ]),
    );
  });

  it.each([
    ['a JSON number for money', { name: 'a', amount: 10.5 }, 'amount'],
    ['too many decimals', { name: 'a', amount: '1.001' }, 'amount'],
    ['a missing field', { amount: '1' }, 'name'],
    ['a bad email', { name: 'a', amount: '1', email: 'not-an-email' }, 'email'],
  ])('reports %s as VALIDATION_FAILED on its field', async (_label, body, path) => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({ method: 'POST', path: '/things', body }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
    expect(problemOf(result).errors?.map((error) => error.path)).toContain(path);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[1,2]'],
    ['a string', '"x"'],
    ['a prototype key', '{"__proto__":{"admin":true},"name":"a","amount":"1"}'],
    ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
  ])('answers 400, never 500, for %s as the body', async (_label, body) => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({
        method: 'POST',
        path: '/things',
        body,
        headers: { 'Content-Type': 'application/json' },
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
    expect(problemOf(result).code).toBe('VALIDATION_FAILED');
  });

  it('answers MALFORMED_JSON for a body that is not JSON', async () => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({
        method: 'POST',
        path: '/things',
        body: '{"name":',
        headers: { 'Content-Type': 'application/json' },
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
    expect(problemOf(result).code).toBe('MALFORMED_JSON');
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({
        method: 'POST',
        path: '/things',
        body: 'name=a',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(415);
    expect(problemOf(result).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body over the limit, before parsing it', async () => {
    const { handler } = setup({ maxBodyBytes: 1024 });

    const result = await handler(
      apiEvent({ method: 'POST', path: '/things', body: { name: 'x'.repeat(2000), amount: '1' } }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(413);
    expect(problemOf(result).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('validates path parameters and query, prefixing their paths', async () => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({
        path: '/things/x',
        resource: '/things/{thingId}',
        pathParameters: { thingId: 'x' },
        query: { limit: '500', other: '1' },
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
    expect(
      problemOf(result)
        .errors?.map((error) => error.path)
        .sort(),
    ).toEqual(['path.thingId', 'query.limit', 'query.other']);
  });

  it('routes a catch-all event by the route table and coerces query values', async () => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({ path: '/things/ABCD1234', resource: '/{proxy+}', query: { limit: '7' } }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ id: 'ABCD1234', limit: 7 });
  });

  it('answers 404 for an unknown path and 405 with Allow for a known path', async () => {
    const { handler } = setup();

    const missing = await handler(
      apiEvent({ path: '/nothing', resource: '/{proxy+}' }),
      lambdaContext,
    );
    const wrongMethod = await handler(
      apiEvent({ method: 'PATCH', path: '/things', resource: '/{proxy+}' }),
      lambdaContext,
    );

    expect(missing.statusCode).toBe(404);
    expect(problemOf(missing).code).toBe('ROUTE_NOT_FOUND');
    expect(wrongMethod.statusCode).toBe(405);
    expect(problemOf(wrongMethod).code).toBe('METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers?.Allow).toBe('POST');
  });

  it('rejects a body on a route that takes none', async () => {
    const { handler } = setup();

    const result = await handler(
      apiEvent({
        path: '/things/ABCD',
        resource: '/things/{thingId}',
        pathParameters: { thingId: 'ABCD' },
        body: { x: 1 },
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
  });

  it('hides an unexpected error behind a generic 500 and logs its cause', async () => {
    const { handler, logs } = setup();

    const result = await handler(brokenThingEvent(), lambdaContext);

    expect(result.statusCode).toBe(500);
    const problem = problemOf(result);
    expect(problem.code).toBe('INTERNAL');
    expect(result.body).not.toContain('database exploded');
    const logged = logs.entries().find((entry) => entry.message === 'unhandled error');
    expect(JSON.stringify(logged)).toContain('socket hang up');
    expect(logged?.requestId).toBe(problem.requestId);
  });

  it('answers 503 with Retry-After, not 500, when the invocation runs out of time before its outcome is known', async () => {
    const { handler, logs } = setup({ slowMs: 1_000 });

    const result = await handler(brokenThingEvent(), {
      ...lambdaContext,
      getRemainingTimeInMillis: () => 100,
    });

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('1');
    expect(problemOf(result).code).toBe('SERVICE_UNAVAILABLE');
    expect(logs.entries().map((entry) => entry.message)).toContain('outcome not confirmed');
  });

  it('refuses to send a response that breaks its schema when responses are validated', async () => {
    const { handler } = setup({ validateResponses: true });

    const result = await handler(brokenThingEvent(), lambdaContext);

    expect(result.statusCode).toBe(500);
  });

  it('echoes an acceptable X-Request-Id and replaces a hostile one', async () => {
    const { handler } = setup();

    const echoed = await handler(
      apiEvent({
        path: '/things/ABCD',
        resource: '/{proxy+}',
        headers: { 'X-Request-Id': 'client-42.a:b' },
      }),
      lambdaContext,
    );
    const hostile = await handler(
      apiEvent({
        path: '/things/ABCD',
        resource: '/{proxy+}',
        headers: { 'x-request-id': 'bad\nid "injected"' },
      }),
      lambdaContext,
    );

    expect(echoed.headers?.['X-Request-Id']).toBe('client-42.a:b');
    expect(hostile.headers?.['X-Request-Id']).toBe('c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
  });

  it('sends security headers always and CORS headers only to allowed origins', async () => {
    const { handler } = setup();

    const allowed = await handler(
      apiEvent({
        path: '/things/ABCD',
        resource: '/{proxy+}',
        headers: { Origin: 'https://console.example.com' },
      }),
      lambdaContext,
    );
    const foreign = await handler(
      apiEvent({
        path: '/nothing',
        resource: '/{proxy+}',
        headers: { Origin: 'https://evil.example' },
      }),
      lambdaContext,
    );

    for (const result of [allowed, foreign]) {
      expect(result.headers).toMatchObject({
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
        'X-Frame-Options': 'DENY',
      });
      expect(result.headers?.['Strict-Transport-Security']).toMatch(/max-age=\d+/);
    }
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('https://console.example.com');
    expect(allowed.headers?.Vary).toBe('Origin');
    expect(foreign.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('logs one access line per request with route, status and latency, never the body', async () => {
    const { handler, logs } = setup();

    await handler(
      apiEvent({
        method: 'POST',
        path: '/things',
        body: { name: 'Jane Secret', email: 'jane@example.com', amount: 'x' },
      }),
      lambdaContext,
    );

    const access = logs.entries().filter((entry) => entry.message === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      route: 'POST /things',
      status: 400,
      code: 'VALIDATION_FAILED',
      requestId: expect.any(String),
    });
    expect(typeof access[0]?.latencyMs).toBe('number');
    expect(logs.lines.join('\n')).not.toMatch(/Jane Secret|jane@example\.com/);
  });
});
