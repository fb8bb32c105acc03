import { describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { routeList } from '../../../../shared/contracts/routes';
import { buildOpenApiDocument } from '../../../../shared/http/openapi';

interface Operation {
  operationId: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
type OpenApiDocument = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
};

describe('the OpenAPI document', () => {
  const document = buildOpenApiDocument({ version: '9.9.9', serverUrl: '/v1' }) as OpenApiDocument;

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of the table under its operation id', () => {
    for (const route of routeList()) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId).toBe(route.operationId);
      expect(operation?.responses[String(route.success.status)]).toBeDefined();
    }
  });

  it('documents errors as problem+json and public routes without security', () => {
    const health = document.paths['/health']?.get;
    expect(health?.security).toEqual([]);
    expect(health?.responses['500']?.content?.['application/problem+json']).toBeDefined();
    expect(document.servers).toEqual([{ url: '/v1' }]);
  });
});
