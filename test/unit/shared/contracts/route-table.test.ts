import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import * as z from 'zod';
import { endpointGroups } from '../../../../shared/contracts/groups';
import { permissions } from '../../../../shared/contracts/permissions';
import { routeList } from '../../../../shared/contracts/routes';

// The route table feeds CDK, the local server, OpenAPI and the permission checks: these
// invariants keep every one of them well-defined for each route added later.
describe('the route table', () => {
  const routes = routeList();

  it('has one route per method and path', () => {
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(routes.map((route) => [route.operationId, route] as const))(
    '%s declares exactly the parameters of its path',
    (_id, route) => {
      const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared =
        route.params instanceof z.ZodObject ? Object.keys(route.params.shape).sort() : [];
      expect(declared).toEqual(inPath);
    },
  );

  it.each(routes.map((route) => [route.operationId, route] as const))(
    '%s belongs to a group with a handler and names a known permission',
    (_id, route) => {
      expect(endpointGroups).toContain(route.group);
      expect(
        existsSync(new URL(`../../../../functions/${route.group}/handler.ts`, import.meta.url)),
      ).toBe(true);
      expect(permissions).toContain(route.permission);
    },
  );

  it('rejects unknown fields in every body and query schema', () => {
    for (const route of routes) {
      for (const schema of [route.body, route.query, route.params]) {
        if (schema === undefined) continue;
        expect(schema.safeParse({ unexpectedField: 'x' }).success).toBe(false);
      }
    }
  });
});
