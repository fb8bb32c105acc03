import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { endpointGroups } from '../contracts/groups';
import type { RouteContract } from '../contracts/route';
import { routeList } from '../contracts/routes';
import { ProblemSchema } from '../contracts/schemas/common';
import { problemByCode, type ApiErrorCode } from './error-responses';

/** Errors any route can answer with, whatever it does. */
const edgeErrorCodes: readonly ApiErrorCode[] = [
  'VALIDATION_FAILED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
];

/**
 * The OpenAPI 3.1 document, generated from the route table: the same zod schemas that validate
 * requests describe them, so the document cannot drift from the code.
 */
export function buildOpenApiDocument(info: { version: string; serverUrl?: string }): object {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const route of routeList()) {
    registry.registerPath({
      method: route.method.toLowerCase() as Lowercase<RouteContract['method']>,
      path: route.path,
      operationId: route.operationId,
      tags: [route.group],
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.permission === 'public'
        ? { security: [] }
        : { security: [{ [bearer.name]: [] }], 'x-nexum-permission': route.permission }),
      request: requestOf(route),
      responses: responsesOf(route),
    });
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Nexum core banking API',
      version: info.version,
      description:
        'Money is a decimal string at the currency scale; errors are RFC 9457 problem+json with a ' +
        'stable `code`; creating POSTs accept `Idempotency-Key`; lists paginate with `limit` and `cursor`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: info.serverUrl ?? '/' }],
    tags: endpointGroups.map((name) => ({ name })),
  });
}

const IdempotencyKeyHeader = z.strictObject({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'Same key and body replays the first response; see API.md' }),
});

function requestOf(route: RouteContract) {
  const objectOrUndefined = (schema: z.ZodType | undefined) =>
    schema instanceof z.ZodObject ? schema : undefined;
  const params = objectOrUndefined(route.params);
  const query = objectOrUndefined(route.query);
  return {
    ...(params === undefined ? {} : { params }),
    ...(query === undefined ? {} : { query }),
    ...(route.idempotent === true ? { headers: IdempotencyKeyHeader } : {}),
    ...(route.body === undefined
      ? {}
      : {
          body: {
            // A body schema that accepts nothing (freeze's optional reason) makes the body optional.
            required: !route.body.safeParse(undefined).success,
            content: { 'application/json': { schema: route.body } },
          },
        }),
  };
}

function responsesOf(route: RouteContract) {
  const { success } = route;
  const content =
    success.schema !== undefined
      ? { 'application/json': { schema: success.schema } }
      : success.raw !== undefined
        ? { [success.raw.contentType]: { schema: z.string() } }
        : undefined;
  const responses: Record<string, { description: string; content?: object }> = {
    [String(success.status)]: {
      description: success.description,
      ...(content === undefined ? {} : { content }),
    },
  };
  const codes = new Set<string>([...edgeErrorCodes, ...(route.errorCodes ?? [])]);
  if (route.permission !== 'public') {
    codes.add('UNAUTHENTICATED');
    codes.add('FORBIDDEN');
  }
  if (route.idempotent === true) {
    codes.add('IDEMPOTENCY_KEY_REUSED');
    codes.add('IDEMPOTENCY_REQUEST_IN_PROGRESS');
  }
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = problemByCode[code as ApiErrorCode].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, statusCodes] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Problem: ${statusCodes.sort().join(', ')}`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return responses;
}
