import * as z from 'zod';
import { defineRoute } from '../route';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    tenant: z.string(),
    checks: z.record(z.string(), z.enum(['ok', 'failing'])),
  })
  .meta({ id: 'Health' });

/** Operational endpoints: liveness with real dependency checks, and the API's own description. */
export const systemRoutes = {
  getHealth: defineRoute({
    method: 'GET',
    path: '/health',
    group: 'system',
    permission: 'public',
    summary: 'Service health, with a real round trip to DynamoDB',
    success: {
      status: 200,
      description: 'Healthy, or degraded with the failing checks',
      schema: HealthSchema,
    },
    errorCodes: ['SERVICE_UNAVAILABLE'],
  }),
  getOpenApiDocument: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    group: 'system',
    permission: 'public',
    summary: 'This OpenAPI 3.1 document, generated from the route table',
    success: {
      status: 200,
      description: 'The OpenAPI document',
      raw: { contentType: 'application/json', description: 'OpenAPI 3.1' },
    },
  }),
  getApiDocs: defineRoute({
    method: 'GET',
    path: '/docs',
    group: 'system',
    permission: 'public',
    summary: 'Swagger UI for /openapi.json',
    success: {
      status: 200,
      description: 'HTML page',
      raw: { contentType: 'text/html; charset=utf-8', description: 'Swagger UI' },
    },
  }),
  getApiDocsAsset: defineRoute({
    method: 'GET',
    path: '/docs/{asset}',
    group: 'system',
    permission: 'public',
    summary: 'Static assets of the Swagger UI',
    params: z.strictObject({
      asset: z.enum(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-initializer.js']),
    }),
    success: {
      status: 200,
      description: 'The asset',
      raw: { contentType: 'application/octet-stream', description: 'Static file' },
    },
    errorCodes: ['NOT_FOUND'],
  }),
} as const;
