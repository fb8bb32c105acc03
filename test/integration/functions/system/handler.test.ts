import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { systemRoutes } from '../../../../functions/system/routes';
import { seedSystem } from '../../../../shared/application/seed-system';
import { httpHandler, type LambdaHttpHandler } from '../../../../shared/http/http-handler';
import { edgeSettingsOf } from '../../../../shared/infrastructure/edge-settings';
import { createRuntime } from '../../../../shared/infrastructure/production-dependencies';
import { freshTable, testEnvironment, type TestTable } from '../../../support/dynamodb';
import { apiEvent, lambdaContext } from '../../../support/events';
import { capturedLogger } from '../../../support/log-capture';

function systemHandler(tableName: string): LambdaHttpHandler {
  const { environment, dependencies } = createRuntime(testEnvironment(tableName));
  const { logger } = capturedLogger();
  return httpHandler({
    group: 'system',
    settings: edgeSettingsOf(environment, { ...dependencies, logger }),
    implementations: systemRoutes({ ...dependencies, logger }),
  });
}

describe('the system function on DynamoDB Local', () => {
  let table: TestTable;
  let handler: LambdaHttpHandler;

  beforeAll(async () => {
    table = await freshTable('system');
    await seedSystem(createRuntime(table.environment).dependencies);
    handler = systemHandler(table.tableName);
  });
  afterAll(async () => table.drop());

  it('reports healthy after a real read of the seeded table', async () => {
    const result = await handler(apiEvent({ path: '/health' }), lambdaContext);

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      status: 'ok',
      version: '0.1.0',
      tenant: 'test',
      checks: { dynamodb: 'ok' },
    });
  });

  it('reports 503 with the failing check when the table is not seeded or missing', async () => {
    const unseeded = await freshTable('unseeded');
    try {
      const empty = await systemHandler(unseeded.tableName)(
        apiEvent({ path: '/health' }),
        lambdaContext,
      );
      const missing = await systemHandler('no-such-table')(
        apiEvent({ path: '/health' }),
        lambdaContext,
      );

      for (const result of [empty, missing]) {
        expect(result.statusCode).toBe(503);
        expect(JSON.parse(result.body)).toMatchObject({
          status: 'degraded',
          checks: { dynamodb: 'failing' },
        });
      }
    } finally {
      await unseeded.drop();
    }
  });

  it('serves a valid OpenAPI 3.1 document whose server is the stage', async () => {
    const result = await handler(apiEvent({ path: '/openapi.json' }), lambdaContext);

    expect(result.statusCode).toBe(200);
    const document = JSON.parse(result.body) as { servers: unknown };
    expect(document.servers).toEqual([{ url: '/v1' }]);
    expect((await new Validator().validate(document)).valid).toBe(true);
  });

  it('serves the Swagger UI page and its assets with a CSP that forbids inline scripts', async () => {
    const page = await handler(apiEvent({ path: '/docs' }), lambdaContext);
    const css = await handler(
      apiEvent({
        path: '/docs/swagger-ui.css',
        resource: '/docs/{asset}',
        pathParameters: { asset: 'swagger-ui.css' },
      }),
      lambdaContext,
    );

    expect(page.statusCode).toBe(200);
    expect(page.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('docs/swagger-ui-bundle.js');
    const scriptSources = /script-src ([^;]*)/.exec(
      String(page.headers?.['Content-Security-Policy']),
    )?.[1];
    expect(scriptSources).toBe("'self'");
    expect(css.statusCode).toBe(200);
    expect(css.isBase64Encoded).toBe(true);
    expect(Buffer.from(css.body, 'base64').toString('utf8')).toContain('.swagger-ui');
  });

  it('refuses any asset name outside the list, including traversal attempts', async () => {
    const result = await handler(
      apiEvent({
        path: '/docs/..%2F..%2Fpackage.json',
        resource: '/docs/{asset}',
        pathParameters: { asset: '../../package.json' },
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'path.asset' }],
    });
  });
});
