import { describe, expect, it } from '@jest/globals';
import type { CfnElement } from 'aws-cdk-lib';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ApiMethods } from '../../infra/constructs/api-methods';
import {
  BankingApi,
  routeTableFingerprint,
  type ApiRoute,
} from '../../infra/constructs/banking-api';

const routes: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/health',
    group: 'system',
    permission: 'public',
    operationId: 'getHealth',
  },
  {
    method: 'GET',
    path: '/accounts/{accountId}',
    group: 'accounts',
    permission: 'VIEW_ACCOUNT',
    operationId: 'getAccount',
  },
  {
    method: 'POST',
    path: '/accounts',
    group: 'accounts',
    permission: 'CREATE_ACCOUNT',
    operationId: 'openAccount',
  },
];

/**
 * The API as BankingApiStack builds it, with stub functions: the routes' methods in a nested stack
 * per group, the deployment after them and replaced with the route table's fingerprint.
 */
function synthesize(table: readonly ApiRoute[]): {
  deploymentId: string;
  dependsOn: string[];
  nestedIds: string[];
} {
  const app = new App();
  const stack = new Stack(app, 'Api');
  const api = new BankingApi(stack, 'Api', {
    tenant: 'test',
    routes: table,
    corsOrigins: ['*'],
    throttling: { requestsPerMinute: 60, burst: 10, stageRequestsPerSecond: 10, stageBurst: 20 },
    accessLogRetention: RetentionDays.ONE_WEEK,
  });
  const nestedIds: string[] = [];
  for (const group of [...new Set(table.map((route) => route.group))].sort()) {
    const nested = new NestedStack(stack, `${group}-group`);
    const fn = new lambda.Function(nested, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({ statusCode: 204 });'),
    });
    const methods = new ApiMethods(nested, 'Routes', api);
    for (const route of table.filter((candidate) => candidate.group === group)) {
      methods.addRoute(route, fn);
    }
    api.deployAfter(nested);
    nestedIds.push(stack.getLogicalId(nested.nestedStackResource as CfnElement));
  }
  api.redeployOn(routeTableFingerprint(table, { integration: 'test' }));

  const deployments = Template.fromStack(stack).findResources(
    'AWS::ApiGateway::Deployment',
  ) as Record<string, { DependsOn?: string[] }>;
  const [entry] = Object.entries(deployments);
  if (entry === undefined) throw new Error('No deployment');
  return { deploymentId: entry[0], dependsOn: entry[1].DependsOn ?? [], nestedIds };
}

describe('the API deployment', () => {
  const baseline = synthesize(routes);

  it('is created after every nested stack holding methods', () => {
    expect(baseline.nestedIds).toHaveLength(2);
    expect(baseline.dependsOn).toEqual(expect.arrayContaining(baseline.nestedIds));
  });

  it('keeps its logical id while the route table is the same', () => {
    expect(synthesize(routes.map((route) => ({ ...route }))).deploymentId).toBe(
      baseline.deploymentId,
    );
  });

  it.each([
    ['an operation id', { operationId: 'readAccount' }],
    ['a permission', { permission: 'CLOSE_ACCOUNT' }],
    ['a method', { method: 'PUT' }],
  ] as const)('is replaced when %s of a route changes', (_, change) => {
    const changed = routes.map((route, index) => (index === 1 ? { ...route, ...change } : route));

    expect(synthesize(changed).deploymentId).not.toBe(baseline.deploymentId);
  });

  it('is replaced when a route is added', () => {
    const added: ApiRoute = {
      method: 'GET',
      path: '/accounts',
      group: 'accounts',
      permission: 'VIEW_ACCOUNT',
      operationId: 'listAccounts',
    };

    expect(synthesize([...routes, added]).deploymentId).not.toBe(baseline.deploymentId);
  });

  it('fingerprints the routes whatever their order, and the integration settings', () => {
    expect(routeTableFingerprint([...routes].reverse(), { integration: 'a' })).toBe(
      routeTableFingerprint(routes, { integration: 'a' }),
    );
    expect(routeTableFingerprint(routes, { integration: 'a' })).not.toBe(
      routeTableFingerprint(routes, { integration: 'b' }),
    );
    expect(routeTableFingerprint(routes, { integration: 'a' })).toMatch(/^[0-9a-f]{64}$/);
  });
});
