import { afterAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, startLocalServer, type RunningServer } from '../support/local-server-process';

// The local runtime as a developer uses it: `npm start`'s entry point, real HTTP, DynamoDB
// Local persisting to a data directory, Ctrl-C, and a second start on the same data.
describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nexum-e2e-'));
  const started: RunningServer[] = [];

  afterAll(async () => {
    for (const server of started) {
      if (server.process.exitCode === null) await server.interrupt();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves health, the OpenAPI document and the docs over HTTP, then stops cleanly', async () => {
    const server = await startLocalServer(dataDir);
    started.push(server);

    expect(server.banner).toContain('new, seeded now');
    expect(server.banner).toContain(`${server.baseUrl.replace('127.0.0.1', 'localhost')}/docs`);

    const health = await fetch(`${server.baseUrl}/health`, {
      headers: { 'X-Request-Id': 'e2e-1' },
    });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBe('e2e-1');
    expect(await health.json()).toMatchObject({ status: 'ok', checks: { dynamodb: 'ok' } });

    const openapi = await fetch(`${server.baseUrl}/openapi.json`);
    expect(openapi.status).toBe(200);
    const document = (await openapi.json()) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    expect((await new Validator().validate(document)).valid).toBe(true);

    const docs = await fetch(`${server.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    const bundle = await fetch(`${server.baseUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);

    const missing = await fetch(`${server.baseUrl}/no/such/route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404 });

    const preflight = await fetch(`${server.baseUrl}/health`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://console.example.com', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');

    // The banner shows the generated administrator password once; it signs in over HTTP.
    const password = /password, shown once: (\S+)\)/.exec(server.banner)?.[1];
    expect(password).toBeDefined();
    const signIn = await fetch(`${server.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(signIn.status).toBe(200);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const anonymous = await fetch(`${server.baseUrl}/ledger/trial-balance`);
    const signedIn = await fetch(`${server.baseUrl}/ledger/trial-balance`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(anonymous.status).toBe(401);
    expect(signedIn.status).toBe(200);

    expect(await server.interrupt()).toBe(0);
    expect(isAlive(server.dynamoPid)).toBe(false);
  });

  it('finds its data again on the next start, and limits each client per minute', async () => {
    const server = await startLocalServer(dataDir, { env: { NEXUM_RATE_LIMIT_PER_MINUTE: '3' } });
    started.push(server);

    expect(server.banner).toContain('existing data, initialised');
    expect(server.banner).toContain('the admin password you set earlier');
    expect(server.banner).toContain('3 requests/minute per client');
    const health = await fetch(`${server.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-ratelimit-limit')).toBe('3');
    expect(health.headers.get('x-ratelimit-remaining')).toBe('2');

    // The limit counts every request of the client, whatever the route or outcome.
    expect((await fetch(`${server.baseUrl}/no/such/route`)).status).toBe(404);
    expect((await fetch(`${server.baseUrl}/openapi.json`)).status).toBe(200);
    const refused = await fetch(`${server.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'whatever-it-is' }),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });

    expect(await server.interrupt()).toBe(0);
    expect(isAlive(server.dynamoPid)).toBe(false);
  });
});
