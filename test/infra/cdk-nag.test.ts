import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Aspects, NestedStack, Names, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeList } from '../../shared/contracts/routes/index';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ApiMethods, protectedRouteReason } from '../../infra/constructs/api-methods';
import { BankingApi, type ApiRoute } from '../../infra/constructs/banking-api';
import { resourcesOfType, synthesizeTenant, type SynthesizedTenant } from './tenant-fixtures';

const awsSolutions = Match.stringLikeRegexp('AwsSolutions-.*');

interface Suppression {
  readonly id: string;
  readonly reason: string;
}

/** The cdk-nag suppressions of every API Gateway method, keyed by logical id. */
function methodSuppressions(template: Template): Map<string, Suppression[]> {
  const methods = template.findResources('AWS::ApiGateway::Method') as Record<
    string,
    { Metadata?: { cdk_nag?: { rules_to_suppress?: Suppression[] } } }
  >;
  return new Map(
    Object.entries(methods).map(([id, method]) => [
      id,
      method.Metadata?.cdk_nag?.rules_to_suppress ?? [],
    ]),
  );
}

const reasonFor = (suppressions: readonly Suppression[], rule: string): string | undefined =>
  suppressions.find((suppression) => suppression.id === rule)?.reason;

describe.each(['demo', 'acme-credit-union'])('cdk-nag AwsSolutions on the %s tenant', (name) => {
  let tenant: SynthesizedTenant;

  beforeAll(() => {
    tenant = synthesizeTenant(name, (app) => Aspects.of(app).add(new AwsSolutionsChecks()));
  });

  it.each(['data', 'api'] as const)('finds no unsuppressed error in the %s stack', (which) => {
    const errors = Annotations.fromStack(tenant[which]).findError('*', awsSolutions);

    expect(errors.map((error) => `${error.id}: ${JSON.stringify(error.entry.data)}`)).toEqual([]);
  });

  it.each(['data', 'api'] as const)('finds no unsuppressed warning in the %s stack', (which) => {
    const warnings = Annotations.fromStack(tenant[which]).findWarning('*', awsSolutions);

    expect(
      warnings.map((warning) => `${warning.id}: ${JSON.stringify(warning.entry.data)}`),
    ).toEqual([]);
  });

  it('synthesises as `npx cdk synth` does: no error annotation of any kind in either stack', () => {
    // The CLI fails a synth on any error annotation, cdk-nag's or not; infra/app.ts builds the
    // same stacks through buildTenantApp with the same AwsSolutionsChecks aspect.
    const errors = [tenant.data, tenant.api].flatMap((stack) =>
      Annotations.fromStack(stack).findError('*', Match.anyValue()),
    );

    expect(errors.map((error) => `${error.id}: ${JSON.stringify(error.entry.data)}`)).toEqual([]);
  });

  it('runs the checks in every nested stack, which are all compliant', () => {
    // cdk-nag writes one compliance report per stack it visits, nested stacks included.
    expect(tenant.nestedStacks.length).toBeGreaterThan(0);
    // cdk-nag names a nested stack's report after its unique id.
    const reports = readdirSync(tenant.app.outdir).filter((file) =>
      file.endsWith('-NagReport.csv'),
    );
    for (const stack of tenant.nestedStacks) {
      const report = reports.find((file) =>
        file.endsWith(`-${Names.uniqueId(stack)}-NagReport.csv`),
      );

      expect(report).toBeDefined();
      const rows = readFileSync(join(tenant.app.outdir, report ?? ''), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((row) => row.includes('"Non-Compliant"'))).toEqual([]);
    }
  });

  it('suppresses APIG4 on every protected route of the route table with the middleware reason', () => {
    const protectedRoutes = routeList().filter((route) => route.permission !== 'public');
    const reasons = tenant.apiTemplates
      .flatMap(({ template }) => [...methodSuppressions(template).values()])
      .map((suppressions) => reasonFor(suppressions, 'AwsSolutions-APIG4'));

    expect(protectedRoutes.length).toBeGreaterThan(0);
    expect(reasons.filter((reason) => reason === protectedRouteReason)).toHaveLength(
      protectedRoutes.length,
    );
  });
});

describe('cdk-nag inside nested stacks', () => {
  it('reports a finding of a nested stack on its parent, as `cdk synth` does', () => {
    // Prepare: a nested stack with a role that breaks IAM4 (an AWS managed policy).
    const app = new App();
    const parent = new Stack(app, 'Parent');
    const nested = new NestedStack(parent, 'Nested');
    new iam.Role(nested, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
      ],
    });
    Aspects.of(app).add(new AwsSolutionsChecks());

    // Act
    const errors = Annotations.fromStack(parent).findError(
      '*',
      Match.stringLikeRegexp('AwsSolutions-IAM4'),
    );

    // Assess: the tenant tests above look at the parent's annotations only, which is enough.
    expect(errors.map((error) => error.id)).toEqual(['/Parent/Nested/Role/Resource']);
  });
});

describe('cdk-nag on route permissions', () => {
  let stack: Stack;
  let template: Template;

  beforeAll(() => {
    // Prepare: the real API constructs with a public route, a route any signed-in user may call
    // and one that needs a named permission, all served by one stub function.
    const app = new App();
    stack = new Stack(app, 'GuardTest');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({ statusCode: 204 });'),
    });
    const routes: ApiRoute[] = [
      {
        method: 'GET',
        path: '/health',
        group: 'system',
        permission: 'public',
        operationId: 'getHealth',
      },
      {
        method: 'POST',
        path: '/session',
        group: 'system',
        permission: 'authenticated',
        operationId: 'endSession',
      },
      {
        method: 'GET',
        path: '/status',
        group: 'system',
        permission: 'VIEW_REPORTS',
        operationId: 'getStatus',
      },
    ];
    const api = new BankingApi(stack, 'Api', {
      tenant: 'guard',
      routes,
      corsOrigins: ['*'],
      throttling: { requestsPerMinute: 60, burst: 10, stageRequestsPerSecond: 10, stageBurst: 20 },
      accessLogRetention: RetentionDays.ONE_WEEK,
    });
    const methods = new ApiMethods(stack, 'Methods', api);
    for (const route of routes) methods.addRoute(route, fn);
    for (const path of api.paths) {
      methods.addFallback(path, fn);
      methods.addPreflight(path);
    }
    Aspects.of(app).add(new AwsSolutionsChecks());
    template = Template.fromStack(stack);
  });

  /** The suppressions of the method `httpMethod` on the resource whose path part is `part`. */
  function suppressionsOf(httpMethod: string, part: string): Suppression[] {
    const resourceId = Object.entries(resourcesOfType(template, 'AWS::ApiGateway::Resource')).find(
      ([, resource]) => resource.Properties?.PathPart === part,
    )?.[0];
    const methods = resourcesOfType(template, 'AWS::ApiGateway::Method');
    const methodId = Object.entries(methods).find(
      ([, method]) =>
        method.Properties?.HttpMethod === httpMethod &&
        JSON.stringify(method.Properties.ResourceId) === JSON.stringify({ Ref: resourceId }),
    )?.[0];
    if (methodId === undefined) throw new Error(`No ${httpMethod} method on /${part}`);
    return methodSuppressions(template).get(methodId) ?? [];
  }

  it('lets protected routes through: the edge middleware verifies the token, not API Gateway', () => {
    const errors = Annotations.fromStack(stack).findError(
      '*',
      Match.stringLikeRegexp('AwsSolutions-(APIG4|COG4)'),
    );

    // Three routes, and a fallback and a preflight on each of /, the three paths and /{proxy+}.
    expect(Object.keys(resourcesOfType(template, 'AWS::ApiGateway::Method'))).toHaveLength(
      3 + 5 * 2,
    );
    expect(errors.map((error) => error.id)).toEqual([]);
  });

  it.each([
    ['POST', 'session'],
    ['GET', 'status'],
  ])('suppresses %s /%s with the middleware reason', (httpMethod, part) => {
    const suppressions = suppressionsOf(httpMethod, part);

    expect(reasonFor(suppressions, 'AwsSolutions-APIG4')).toEqual(protectedRouteReason);
    expect(protectedRouteReason).toContain('shared/http/middleware/edge-response.ts');
    expect(reasonFor(suppressions, 'AwsSolutions-COG4')).toContain(protectedRouteReason);
  });

  it('suppresses a public route with the contract reason', () => {
    const suppressions = suppressionsOf('GET', 'health');

    expect(reasonFor(suppressions, 'AwsSolutions-APIG4')).toEqual(
      'GET /health is public by contract (shared/contracts/routes).',
    );
    expect(reasonFor(suppressions, 'AwsSolutions-COG4')).toMatch(/^GET \/health is public/);
  });
});
