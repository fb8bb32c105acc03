import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { CfnElement } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { corsPolicy } from '../../shared/contracts/cors';
import { endpointGroups, type EndpointGroup } from '../../shared/contracts/groups';
import { routeList } from '../../shared/contracts/routes/index';
import { pathStackCount, pathStackOf } from '../../infra/stacks/api-paths-stack';
import {
  apiResourcesOfType,
  logicalIdOf,
  originOf,
  resourcesOfType,
  synthesizeTenant,
  type CfnResources,
  type SynthesizedTenant,
} from './tenant-fixtures';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Whether a statement applies to the resource whose (resolved) ARN is given. */
const covers = (statement: Statement, arn: unknown): boolean =>
  (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).some(
    (resource) => JSON.stringify(resource) === JSON.stringify(arn),
  );

/** The groups whose functions serve protected routes: every group except `system`. */
const businessGroups = endpointGroups.filter((group) => group !== 'system');

/** The statements of one AWS::IAM::Policy resource. */
const statementsOf = (policy: CfnResources[string]): Statement[] =>
  (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;

/**
 * Every statement of the inline policies attached to a role. Policies are looked up in the role's
 * own stack: nested stacks reuse logical ids (every group's role is `FunctionRole…`).
 */
function statementsOfRole(tenant: SynthesizedTenant, role: IConstruct): Statement[] {
  const roleId = logicalIdOf(role);
  return Object.values(resourcesOfType(tenant.templateOf(role), 'AWS::IAM::Policy'))
    .filter(
      (policy) => JSON.stringify(policy.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]),
    )
    .flatMap(statementsOf);
}

/** The full path (`/docs/{asset}`) of every API Gateway resource, by logical id. */
function resourcePaths(resources: CfnResources): Map<string, string> {
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const resource = resources[id];
    if (resource === undefined) throw new Error(`No API resource ${id}`);
    const parent = resource.Properties?.ParentId as { Ref?: string };
    const parentPath = parent.Ref === undefined ? '' : pathOf(parent.Ref);
    const path = `${parentPath}/${String(resource.Properties?.PathPart)}`;
    paths.set(id, path);
    return path;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

type TemplateJson = {
  Resources: Record<string, { DependsOn?: string[] } & Record<string, unknown>>;
};

/** Each resource of a template with the resources it needs: DependsOn, Ref and Fn::GetAtt. */
function dependencyGraph(template: TemplateJson): Map<string, Set<string>> {
  const ids = new Set(Object.keys(template.Resources));
  const graph = new Map<string, Set<string>>();
  const collect = (value: unknown, into: Set<string>): void => {
    if (Array.isArray(value)) {
      for (const item of value) collect(item, into);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string' && ids.has(inner)) into.add(inner);
        if (key === 'Fn::GetAtt' && Array.isArray(inner) && ids.has(String(inner[0]))) {
          into.add(String(inner[0]));
        }
        collect(inner, into);
      }
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const needs = new Set<string>(resource.DependsOn ?? []);
    collect(resource, needs);
    graph.set(id, needs);
  }
  return graph;
}

/** Every resource `id` needs, directly or not. */
function reachable(graph: Map<string, Set<string>>, id: string): string[] {
  const seen = new Set<string>();
  const stack = [...(graph.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.get(next) ?? []));
  }
  return [...seen];
}

/** The resources that need themselves, directly or not. */
function cycleIn(graph: Map<string, Set<string>>): string[] {
  return [...graph.keys()].filter((id) => reachable(graph, id).includes(id));
}

/** A method of the API, from whichever stack holds it. */
interface ApiMethod {
  readonly httpMethod: string;
  readonly path: string;
  readonly stack: Stack;
  readonly properties: Record<string, unknown>;
}

describe('BankingApiStack (demo tenant)', () => {
  let tenant: SynthesizedTenant;
  let methods: ApiMethod[];

  /** Where the function ARN of a Lambda proxy method's integration URI comes from. */
  const integratedFunctionOf = (method: ApiMethod): { stack: Stack; value: unknown } => {
    const uri = (method.properties.Integration as { Uri: { 'Fn::Join': [string, unknown[]] } }).Uri;
    const arn = uri['Fn::Join'][1].find(
      (part) =>
        typeof part === 'object' &&
        part !== null &&
        ('Fn::GetAtt' in part || !String((part as { Ref?: unknown }).Ref).startsWith('AWS::')),
    );
    return originOf(tenant, method.stack, arn);
  };

  /** Whether a method's integration invokes `fn`. */
  const invokes = (method: ApiMethod, fn: lambda.IFunction): boolean => {
    const origin = integratedFunctionOf(method);
    return (
      origin.stack === Stack.of(fn) &&
      JSON.stringify(origin.value) === JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(fn), 'Arn'] })
    );
  };

  beforeAll(() => {
    tenant = synthesizeTenant('demo');
    const paths = resourcePaths(resourcesOfType(tenant.apiTemplate, 'AWS::ApiGateway::Resource'));
    methods = apiResourcesOfType(tenant, 'AWS::ApiGateway::Method').map(({ stack, resource }) => {
      const properties = resource.Properties ?? {};
      // A nested method names its resource through a parameter: the parent passes the id.
      const resourceId = originOf(tenant, stack, properties.ResourceId).value as { Ref?: string };
      return {
        httpMethod: String(properties.HttpMethod),
        path: resourceId.Ref === undefined ? '/' : (paths.get(resourceId.Ref) ?? '?'),
        stack,
        properties,
      };
    });
  });

  describe('functions', () => {
    it('deploys one function per endpoint group, plus the seed and the outbox publisher', () => {
      expect([...tenant.api.functions.keys()]).toEqual([...endpointGroups]);
      // The provider framework of the seed is one more; no Kafka settings, so no bridge.
      expect(apiResourcesOfType(tenant, 'AWS::Lambda::Function')).toHaveLength(
        endpointGroups.length + 3,
      );
    });

    it.each(endpointGroups)('puts the %s function in its own nested stack', (group) => {
      const stack = tenant.api.groupStackOf(group);
      const fn = tenant.api.functionOf(group);

      expect(stack.nestedStackParent).toBe(tenant.api);
      expect(Stack.of(fn.function)).toBe(stack);
      expect(Stack.of(fn.role)).toBe(stack);
      expect(Stack.of(fn.logGroup)).toBe(stack);
      expect(
        Object.keys(resourcesOfType(tenant.templateOf(fn.function), 'AWS::Lambda::Function')),
      ).toEqual([logicalIdOf(fn.function)]);
    });

    const functionNames: ReadonlyArray<EndpointGroup | 'seed'> = [...endpointGroups, 'seed'];

    it.each(functionNames)('runs %s on Node.js 22, arm64, with the house defaults', (name) => {
      const fn = name === 'seed' ? tenant.api.seedFunction : tenant.api.functionOf(name);
      const template = tenant.templateOf(fn.function);

      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: Match.absent(),
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 10,
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn.logGroup) } },
        Role: { 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: tenant.settings.logRetentionDays,
      });
    });

    it('configures the functions from the tenant settings', () => {
      const system = tenant.api.functionOf('system').function;
      const tableRef: unknown = Stack.of(system).resolve(tenant.data.ledger.tableName);

      expect(tableRef).toEqual({ 'Fn::ImportValue': expect.stringMatching(/MainTable/) });
      tenant.templateOf(system).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            NEXUM_TENANT: 'demo',
            NEXUM_TABLE_NAME: tableRef,
            NEXUM_VERSION: '0.1.0',
            NEXUM_LOG_LEVEL: 'info',
            NEXUM_CORS_ORIGINS: tenant.settings.corsOrigins.join(','),
            NEXUM_BASE_CURRENCY: 'EUR',
            NODE_OPTIONS: '--enable-source-maps',
            NEXUM_DOCS_ASSETS_DIR: '/var/task/swagger-ui',
          },
        },
      });
    });

    describe('access tokens and sign-in settings', () => {
      /** The environment variables of a function, from the template. */
      const variablesOf = (name: EndpointGroup | 'seed'): Record<string, unknown> => {
        const fn = name === 'seed' ? tenant.api.seedFunction : tenant.api.functionOf(name);
        const resource = resourcesOfType(tenant.templateOf(fn.function), 'AWS::Lambda::Function')[
          logicalIdOf(fn.function)
        ];
        const environment = resource?.Properties?.Environment as {
          Variables: Record<string, unknown>;
        };
        return environment.Variables;
      };

      it.each(businessGroups)(
        'gives the %s function the token key and the tenant security settings',
        (group) => {
          const stack = tenant.api.groupStackOf(group);
          const jwtKeyId: unknown = stack.resolve(tenant.data.keys.jwtSigningKey.keyId);

          expect(jwtKeyId).toEqual({ 'Fn::ImportValue': expect.stringMatching(/JwtSigningKey/) });
          expect(variablesOf(group)).toMatchObject({
            NEXUM_JWT_KMS_KEY_ID: jwtKeyId,
            NEXUM_PII_KMS_KEY_ID: stack.resolve(tenant.data.keys.piiKey.keyArn) as unknown,
            NEXUM_ACCESS_TOKEN_TTL_SECONDS: '900',
            NEXUM_LOCKOUT_MAX_ATTEMPTS: '5',
            NEXUM_LOCKOUT_MINUTES: '30',
          });
        },
      );

      it.each(['system', 'seed'] as const)(
        'gives the %s function no token key: it serves no protected route',
        (name) => {
          const variables = Object.keys(variablesOf(name));

          expect(variables).not.toContain('NEXUM_JWT_KMS_KEY_ID');
          expect(variables).not.toContain('NEXUM_ACCESS_TOKEN_TTL_SECONDS');
          expect(variables).not.toContain('NEXUM_LOCKOUT_MAX_ATTEMPTS');
          expect(variables).not.toContain('NEXUM_LOCKOUT_MINUTES');
        },
      );
    });

    it('ships the Swagger UI files beside the system bundle', () => {
      const code = tenant.api.functionOf('system').function.node.findChild('Code');
      if (!(code instanceof Asset)) throw new Error('The system function has no code asset');
      const bundle = join(tenant.app.outdir, code.assetPath);

      const files = readdirSync(bundle).sort();
      const docs = readdirSync(join(bundle, 'swagger-ui')).sort();

      expect(files).toEqual(['index.mjs', 'index.mjs.map', 'swagger-ui']);
      expect(docs).toEqual(['swagger-ui-bundle.js', 'swagger-ui.css']);
    });
  });

  describe('REST API routes', () => {
    it.each(routeList().map((route) => [route.method, route.path, route.group] as const))(
      '%s %s is a Lambda proxy method of the %s function, in its stack',
      (httpMethod, path, group) => {
        const fn = tenant.api.functionOf(group).function;

        const matches = methods.filter((m) => m.httpMethod === httpMethod && m.path === path);

        expect(matches).toHaveLength(1);
        const method = matches[0] as ApiMethod;
        expect(method.stack).toBe(tenant.api.groupStackOf(group));
        expect(method.properties.Integration).toMatchObject({
          Type: 'AWS_PROXY',
          IntegrationHttpMethod: 'POST',
        });
        // The function of the same stack, referenced directly.
        expect(JSON.stringify(method.properties.Integration)).toContain(
          `{"Fn::GetAtt":["${logicalIdOf(fn)}","Arn"]}`,
        );
        expect(invokes(method, fn)).toBe(true);
      },
    );

    it('declares path parameters as required, for the request validator', () => {
      const asset = methods.find((m) => m.httpMethod === 'GET' && m.path === '/docs/{asset}');

      expect(asset?.properties).toMatchObject({
        RequestParameters: { 'method.request.path.asset': true },
        RequestValidatorId: { Ref: expect.any(String) },
      });
      const validator = originOf(
        tenant,
        asset?.stack ?? tenant.api,
        asset?.properties.RequestValidatorId,
      );
      expect(validator.stack).toBe(tenant.api);
      expect(
        Object.keys(resourcesOfType(tenant.apiTemplate, 'AWS::ApiGateway::RequestValidator')),
      ).toEqual([(validator.value as { Ref: string }).Ref]);
      tenant.apiTemplate.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
        ValidateRequestBody: true,
        ValidateRequestParameters: true,
      });
    });

    it('sends unknown paths and methods to the system function (404/405 problem+json)', () => {
      const system = tenant.api.functionOf('system').function;
      // Every route path and each of its prefixes is a resource, and each gets the fallback.
      const routePaths = new Set(
        routeList().flatMap((route) =>
          route.path
            .split('/')
            .slice(1)
            .map((_, index, segments) => `/${segments.slice(0, index + 1).join('/')}`),
        ),
      );
      const fallbacks = methods.filter((m) => m.httpMethod === 'ANY');

      expect(fallbacks.map((m) => m.path).sort()).toEqual(['/', '/{proxy+}', ...routePaths].sort());
      for (const fallback of fallbacks) {
        expect(fallback.properties.Integration).toMatchObject({ Type: 'AWS_PROXY' });
        expect(invokes(fallback, system)).toBe(true);
      }
    });

    it('answers CORS preflights on every path from the contract and the tenant origins', () => {
      const preflights = methods.filter((m) => m.httpMethod === 'OPTIONS');
      const preflight = JSON.stringify(preflights[0]?.properties.Integration);

      expect(preflights.map((m) => m.path).sort()).toEqual(
        [...new Set(methods.map((m) => m.path))].sort(),
      );
      expect(preflight).toContain(`'${corsPolicy.allowHeaders.join(',')}'`);
      expect(preflight).toContain(`'${corsPolicy.allowMethods.join(',')}'`);
      expect(preflight).toContain(`'${corsPolicy.maxAgeSeconds}'`);
      for (const origin of tenant.settings.corsOrigins) expect(preflight).toContain(origin);
      // Binary media type */* would otherwise make the mock integration fail with a 500.
      for (const method of preflights) {
        expect(method.properties.Integration).toMatchObject({
          Type: 'MOCK',
          ContentHandling: 'CONVERT_TO_TEXT',
          IntegrationResponses: [expect.objectContaining({ ContentHandling: 'CONVERT_TO_TEXT' })],
        });
      }
    });

    it('lets API Gateway invoke each function through one stage-scoped permission', () => {
      const invoked = new Set<EndpointGroup>([
        ...routeList().map((route) => route.group),
        'system',
      ]);
      const permissions = apiResourcesOfType(tenant, 'AWS::Lambda::Permission').filter(
        (p) => p.resource.Properties?.Principal === 'apigateway.amazonaws.com',
      );

      expect(permissions).toHaveLength(invoked.size);
      for (const group of invoked) {
        const fn = tenant.api.functionOf(group).function;
        const permission = permissions.filter(
          (p) =>
            p.stack === Stack.of(fn) &&
            JSON.stringify(p.resource.Properties?.FunctionName) ===
              JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(fn), 'Arn'] }),
        );
        expect(permission).toHaveLength(1);
        expect(permission[0]?.resource.Properties).toMatchObject({
          Principal: 'apigateway.amazonaws.com',
          SourceArn: { 'Fn::Join': ['', expect.arrayContaining(['/v1/*/*'])] },
        });
      }
    });

    it('answers gateway-generated errors in problem+json', () => {
      tenant.apiTemplate.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'THROTTLED',
        StatusCode: '429',
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Content-Type': "'application/problem+json'",
          'gatewayresponse.header.Retry-After': "'1'",
        }),
        ResponseTemplates: {
          'application/json': Match.stringLikeRegexp(
            '"code":"RATE_LIMITED".*"requestId":"\\$context.requestId"',
          ),
        },
      });
    });
  });

  describe('split into nested stacks (ADR 0007)', () => {
    /** The quotas of one CloudFormation template, and the share of each a template may use. */
    const limits = { resources: 500, parameters: 200, outputs: 200 } as const;
    const headroom = 0.8;

    const sizeOf = (template: { toJSON(): unknown }): Record<keyof typeof limits, number> => {
      const json = template.toJSON() as Record<string, Record<string, unknown> | undefined>;
      return {
        resources: Object.keys(json.Resources ?? {}).length,
        // The synthesizer's BootstrapVersion parameter is the parent's only own parameter.
        parameters: Object.keys(json.Parameters ?? {}).length,
        outputs: Object.keys(json.Outputs ?? {}).length,
      };
    };

    it('keeps every template (parent and nested) under 400 resources and 80% of the other quotas', () => {
      const sizes = tenant.apiTemplates.map(({ stack, template }) => ({
        stack: stack.node.path,
        ...sizeOf(template),
      }));

      expect(sizes).toHaveLength(1 + endpointGroups.length + tenant.api.pathStacks.length);
      for (const size of sizes) {
        expect(size.resources).toBeLessThan(400);
        expect(size.parameters).toBeLessThan(limits.parameters * headroom);
        expect(size.outputs).toBeLessThan(limits.outputs * headroom);
      }
      // The route table's resources are all still there, just spread out.
      const total = sizes.reduce((sum, size) => sum + size.resources, 0);
      expect(total).toBeGreaterThan(limits.resources);
    });

    it('keeps the path tree, stage and deployment in the parent, and no method', () => {
      for (const type of [
        'AWS::ApiGateway::RestApi',
        'AWS::ApiGateway::Resource',
        'AWS::ApiGateway::Deployment',
        'AWS::ApiGateway::Stage',
        'AWS::ApiGateway::RequestValidator',
        'AWS::ApiGateway::UsagePlan',
        'AWS::ApiGateway::GatewayResponse',
        'AWS::WAFv2::WebACL',
      ]) {
        const placed = apiResourcesOfType(tenant, type);
        expect(placed.length).toBeGreaterThan(0);
        expect(placed.every(({ stack }) => stack === tenant.api)).toBe(true);
      }
      expect(resourcesOfType(tenant.apiTemplate, 'AWS::ApiGateway::Method')).toEqual({});
    });

    it('puts the fallback and preflight of each path in the path stack its hash names', () => {
      const perPath = methods.filter((m) => m.httpMethod === 'ANY' || m.httpMethod === 'OPTIONS');

      expect(perPath).toHaveLength(2 * tenant.api.api.paths.length);
      for (const method of perPath) {
        expect(method.stack).toBe(tenant.api.pathStacks[pathStackOf(method.path)]);
      }
      for (const stack of tenant.api.pathStacks) {
        const held = methods.filter((m) => m.stack === stack);
        expect(held.length).toBeGreaterThan(0);
        expect(held.every((m) => m.httpMethod === 'ANY' || m.httpMethod === 'OPTIONS')).toBe(true);
      }
    });

    it('assigns a path to a path stack by the path alone, so adding routes moves no method', () => {
      const before = tenant.api.api.paths.map((path) => pathStackOf(path));
      const after = [...tenant.api.api.paths, '/products', '/products/{productId}'].map((path) =>
        pathStackOf(path),
      );

      expect(after.slice(0, before.length)).toEqual(before);
      expect(new Set(before).size).toBe(pathStackCount);
    });

    it('deploys the stage after every nested stack, and replaces the deployment with the routes', () => {
      const deployments = resourcesOfType(tenant.apiTemplate, 'AWS::ApiGateway::Deployment');
      const [[deploymentId, deployment]] = Object.entries(deployments) as [
        [string, CfnResources[string]],
      ];
      const nested = tenant.nestedStacks.map((stack) =>
        tenant.api.getLogicalId(stack.nestedStackResource as CfnElement),
      );

      expect(Object.keys(deployments)).toHaveLength(1);
      expect(nested).toHaveLength(endpointGroups.length + pathStackCount);
      expect(deployment.DependsOn).toEqual(expect.arrayContaining(nested));
      // Construct path + a hash of the methods, the route table and the integration settings.
      expect(deploymentId).toMatch(/^ApiRestApiDeployment[0-9A-F]{8}[0-9a-f]{32}$/);
    });

    it('passes parent values to nested stacks, and nothing that waits for the deployment', () => {
      // A nested stack taking the stage or anything built on it would wait for the deployment,
      // which waits for the nested stack: a cycle CloudFormation rejects.
      const graph = dependencyGraph(tenant.apiTemplate.toJSON() as TemplateJson);

      expect(cycleIn(graph)).toEqual([]);
      const stage = Object.keys(resourcesOfType(tenant.apiTemplate, 'AWS::ApiGateway::Stage'));
      for (const stack of tenant.nestedStacks) {
        const id = tenant.api.getLogicalId(stack.nestedStackResource as CfnElement);
        expect(reachable(graph, id)).not.toEqual(expect.arrayContaining(stage));
      }
    });
  });

  describe('stage and rate limiting', () => {
    it('serves stage v1 with tracing, JSON access logs and stage-wide throttling', () => {
      tenant.apiTemplate.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        AccessLogSetting: {
          DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AccessLogs'), 'Arn'] },
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
        MethodSettings: [
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: tenant.settings.rateLimit.stageRequestsPerSecond,
            ThrottlingBurstLimit: tenant.settings.rateLimit.stageBurst,
          }),
        ],
      });
    });

    it('throttles each client in the usage plan at the tenant rate (per second)', () => {
      tenant.apiTemplate.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        Throttle: {
          RateLimit: tenant.settings.rateLimit.requestsPerMinute / 60,
          BurstLimit: tenant.settings.rateLimit.burst,
        },
        ApiStages: [
          Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('DeploymentStage') } }),
        ],
      });
    });

    it('blocks a source IP over the tenant limit per 60 s with a 429 problem', () => {
      tenant.apiTemplate.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({
            Priority: 0,
            Statement: {
              RateBasedStatement: {
                Limit: tenant.settings.rateLimit.requestsPerMinute,
                EvaluationWindowSec: 60,
                AggregateKeyType: 'IP',
              },
            },
            Action: {
              Block: {
                CustomResponse: Match.objectLike({
                  ResponseCode: 429,
                  ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
                }),
              },
            },
          }),
        ]),
        CustomResponseBodies: {
          'rate-limited': {
            ContentType: 'APPLICATION_JSON',
            Content: Match.stringLikeRegexp('"status":429.*"code":"RATE_LIMITED"'),
          },
        },
      });
    });

    it('attaches the web ACL to the v1 stage', () => {
      tenant.apiTemplate.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
        ResourceArn: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/stages/')])],
        }),
      });
    });
  });

  describe('alarms', () => {
    it('notifies the tenant alarm e-mail through an encrypted, TLS-only topic', () => {
      tenant.apiTemplate.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: Match.anyValue(),
      });
      tenant.apiTemplate.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: tenant.settings.alarmEmail,
      });
      tenant.apiTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('alarms on API 5XX and on errors and throttles of every function', () => {
      const alarms = apiResourcesOfType(tenant, 'AWS::CloudWatch::Alarm').map((a) => a.resource);
      const watched = alarms.map(
        (alarm) => `${String(alarm.Properties?.Namespace)}:${String(alarm.Properties?.MetricName)}`,
      );

      expect(watched.filter((metric) => metric === 'AWS/ApiGateway:5XXError')).toHaveLength(1);
      // Every group, the seed and the outbox publisher.
      expect(watched.filter((metric) => metric === 'AWS/Lambda:Errors')).toHaveLength(
        endpointGroups.length + 2,
      );
      expect(watched.filter((metric) => metric === 'AWS/Lambda:Throttles')).toHaveLength(
        endpointGroups.length + 2,
      );
      for (const { stack, resource } of apiResourcesOfType(tenant, 'AWS::CloudWatch::Alarm')) {
        const [action] = resource.Properties?.AlarmActions as unknown[];
        expect(originOf(tenant, stack, action)).toEqual({
          stack: tenant.api,
          value: { Ref: logicalIdOf(tenant.api.alarms.topic) },
        });
      }
    });

    it.each(endpointGroups)('watches the %s function from its own stack', (group) => {
      const stack = tenant.api.groupStackOf(group);
      const fnId = logicalIdOf(tenant.api.functionOf(group).function);
      const alarms = Object.values(
        resourcesOfType(tenant.templateOf(stack), 'AWS::CloudWatch::Alarm'),
      );

      expect(alarms.map((alarm) => alarm.Properties?.AlarmName).sort()).toEqual([
        `nexum-demo-${group}-errors`,
        `nexum-demo-${group}-throttles`,
      ]);
      for (const alarm of alarms) {
        expect(alarm.Properties?.Dimensions).toEqual([
          { Name: 'FunctionName', Value: { Ref: fnId } },
        ]);
      }
    });
  });

  describe('least privilege', () => {
    let policies: ReturnType<typeof apiResourcesOfType>;
    /**
     * A data-stack value as the API's templates import it. Every consumer imports the same export,
     * so resolving it in any group's stack gives the `Fn::ImportValue` all of them use.
     */
    const imported = (value: string): unknown => tenant.api.groupStackOf('auth').resolve(value);

    beforeAll(() => {
      policies = apiResourcesOfType(tenant, 'AWS::IAM::Policy');
    });

    it('attaches no AWS managed policy to any role', () => {
      const roles = apiResourcesOfType(tenant, 'AWS::IAM::Role');

      expect(roles.length).toBeGreaterThan(endpointGroups.length);
      for (const { resource } of roles) {
        expect(resource.Properties?.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('gives the system function read access to the system marker only', () => {
      const statements = statementsOfRole(tenant, tenant.api.functionOf('system').role);
      const dynamodb = statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('dynamodb:')),
      );

      expect(dynamodb).toHaveLength(1);
      expect(dynamodb[0]).toMatchObject({
        Effect: 'Allow',
        Resource: { 'Fn::ImportValue': expect.stringMatching(/MainTable.*Arn/) },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SYSTEM'] } },
      });
      expect(actionsOf(dynamodb[0] as Statement).sort()).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
      ]);
      const actions = statements.flatMap(actionsOf);
      expect(actions).not.toContain('dynamodb:PutItem');
      expect(actions.filter((action) => action.endsWith('*'))).toEqual([]);
    });

    it('lets the seed create and read items, nothing else on the table', () => {
      const statements = statementsOfRole(tenant, tenant.api.seedFunction.role);
      const dynamodbActions = statements
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('dynamodb:'))
        .sort();

      expect(dynamodbActions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    });

    it('lets only the customers function delete lookup entries and rotate the PII key', () => {
      const piiKey = JSON.stringify(imported(tenant.data.keys.piiKey.keyArn));
      const customers = statementsOfRole(tenant, tenant.api.functionOf('customers').role);
      const deletes = customers.filter((s) => actionsOf(s).includes('dynamodb:DeleteItem'));

      expect(deletes).toHaveLength(1);
      expect(deletes[0]?.Condition).toEqual({
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUSTOMERINDEX#*'] },
      });
      expect(
        customers.some(
          (s) =>
            actionsOf(s).includes('kms:RotateKeyOnDemand') && JSON.stringify(s.Resource) === piiKey,
        ),
      ).toBe(true);
      for (const group of endpointGroups.filter((name) => name !== 'customers')) {
        const actions = statementsOfRole(tenant, tenant.api.functionOf(group).role).flatMap(
          actionsOf,
        );
        expect(actions).not.toContain('dynamodb:DeleteItem');
        expect(actions).not.toContain('dynamodb:Scan');
        expect(actions).not.toContain('kms:RotateKeyOnDemand');
      }
    });

    it('lets only the admin function start the EndOfDay state machine, and names it by ARN', () => {
      const admin = tenant.api.functionOf('admin');
      const starts = statementsOfRole(tenant, admin.role).filter((s) =>
        actionsOf(s).includes('states:StartExecution'),
      );
      expect(starts).toHaveLength(1);
      const [start] = starts;
      if (start === undefined) throw new Error('no StartExecution statement');
      expect(actionsOf(start)).toEqual(['states:StartExecution']);
      const arn = JSON.stringify(start.Resource);
      expect(arn).toContain(':states:');
      expect(arn).toContain(':stateMachine:nexum-demo-end-of-day');
      expect(arn).not.toContain('*');
      // The same ARN reaches the function as NEXUM_EOD_STATE_MACHINE_ARN.
      const fn = tenant.templateOf(admin.function).toJSON().Resources as Record<
        string,
        { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }
      >;
      const variables = fn[logicalIdOf(admin.function)]?.Properties?.Environment?.Variables ?? {};
      expect(JSON.stringify(variables.NEXUM_EOD_STATE_MACHINE_ARN)).toBe(arn);
      // …and it is the name the EndOfDay stack gives its state machine.
      Template.fromStack(tenant.endOfDay).hasResourceProperties(
        'AWS::StepFunctions::StateMachine',
        { StateMachineName: 'nexum-demo-end-of-day' },
      );
      for (const group of endpointGroups.filter((name) => name !== 'admin')) {
        const actions = statementsOfRole(tenant, tenant.api.functionOf(group).role).flatMap(
          actionsOf,
        );
        expect(actions.filter((action) => action.startsWith('states:'))).toEqual([]);
      }
    });

    it('uses the table key only through DynamoDB', () => {
      const ledgerKey = JSON.stringify(imported(tenant.data.keys.ledgerKey.keyArn));
      const kms = policies
        .flatMap(({ resource }) => statementsOf(resource))
        .filter((s) => JSON.stringify(s.Resource) === ledgerKey);

      expect(kms.length).toBeGreaterThan(endpointGroups.length);
      for (const statement of kms) {
        expect(statement.Condition?.StringEquals).toHaveProperty('kms:ViaService');
      }
    });

    describe('the token-signing key', () => {
      let jwtKeyArn: unknown;
      /** The actions a role has on the token key. */
      const jwtKeyActionsOf = (role: IConstruct): string[] =>
        statementsOfRole(tenant, role)
          .filter((statement) => covers(statement, jwtKeyArn))
          .flatMap(actionsOf)
          .sort();

      beforeAll(() => {
        jwtKeyArn = imported(tenant.data.keys.jwtSigningKey.keyArn);
      });

      it('lets only the auth function sign, on the token key alone', () => {
        const authRole = tenant.api.functionOf('auth').role;
        const signing = policies.filter(({ resource }) =>
          statementsOf(resource).some((statement) => actionsOf(statement).includes('kms:Sign')),
        );

        expect(signing).toHaveLength(1);
        expect(signing[0]?.stack).toBe(Stack.of(authRole));
        expect(signing[0]?.resource.Properties?.Roles).toEqual([{ Ref: logicalIdOf(authRole) }]);
        for (const statement of statementsOf(signing[0]?.resource ?? { Type: '' })) {
          if (!actionsOf(statement).includes('kms:Sign')) continue;
          expect(statement).toMatchObject({ Effect: 'Allow', Resource: jwtKeyArn });
          expect(statement.Condition).toBeUndefined();
        }
        expect(jwtKeyActionsOf(authRole)).toEqual(['kms:GetPublicKey', 'kms:Sign']);
      });

      it.each(businessGroups.filter((group) => group !== 'auth'))(
        'lets the %s function fetch the public key to verify tokens, and not sign',
        (group) => {
          const role = tenant.api.functionOf(group).role;

          expect(jwtKeyActionsOf(role)).toEqual(['kms:GetPublicKey']);
          expect(statementsOfRole(tenant, role).flatMap(actionsOf)).not.toContain('kms:Sign');
        },
      );

      it('gives the system and seed functions nothing on the token key', () => {
        for (const fn of [tenant.api.functionOf('system'), tenant.api.seedFunction]) {
          expect(statementsOfRole(tenant, fn.role).length).toBeGreaterThan(0);
          expect(jwtKeyActionsOf(fn.role)).toEqual([]);
        }
      });
    });

    it('grants "*" resources only for X-Ray, which has no resource-level permissions', () => {
      const wildcard = policies
        .flatMap(({ resource }) => statementsOf(resource))
        .filter((statement) => statement.Resource === '*');

      expect(wildcard.length).toBeGreaterThan(0);
      for (const statement of wildcard) {
        expect(actionsOf(statement).every((action) => action.startsWith('xray:'))).toBe(true);
      }
    });
  });

  it('ticks the customers function every 5 minutes to finish an incomplete PII re-wrap', () => {
    const customers = tenant.api.functionOf('customers').function;
    const customersId = logicalIdOf(customers);
    const template = tenant.templateOf(customers);
    const rules = Object.values(resourcesOfType(template, 'AWS::Events::Rule')).filter((rule) =>
      JSON.stringify(rule.Properties).includes(customersId),
    );

    expect(apiResourcesOfType(tenant, 'AWS::Events::Rule')).toHaveLength(1);

    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [customersId, 'Arn'] },
    });
  });

  it('creates the first administrator from a generated secret only the seed may read', () => {
    const secretId = logicalIdOf(tenant.api.adminSecret);
    const seedRole = logicalIdOf(tenant.api.seedFunction.role);
    // Across every template: no nested stack's policy may read the secret either.
    const readers = apiResourcesOfType(tenant, 'AWS::IAM::Policy').filter(({ resource }) =>
      JSON.stringify(resource.Properties).includes('secretsmanager:GetSecretValue'),
    );

    tenant.apiTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 32, RequireEachIncludedType: true }),
    });
    tenant.apiTemplate.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    expect(readers).toHaveLength(1);
    expect(readers[0]?.stack).toBe(tenant.api);
    expect(JSON.stringify(readers[0]?.resource.Properties)).toContain(seedRole);
    const seed = resourcesOfType(tenant.apiTemplate, 'AWS::Lambda::Function')[
      logicalIdOf(tenant.api.seedFunction.function)
    ];
    expect(JSON.stringify(seed?.Properties?.Environment)).toContain(
      `"NEXUM_ADMIN_SECRET_ARN":{"Ref":"${secretId}"}`,
    );
    // The password itself appears nowhere in any template.
    for (const { template } of tenant.apiTemplates) {
      expect(JSON.stringify(template.toJSON())).not.toContain('resolve:secretsmanager');
    }
  });

  it('seeds the tenant on deploy through the provider framework, re-running when the seed changes', () => {
    const seedId = logicalIdOf(tenant.api.seedFunction.function);

    tenant.apiTemplate.hasResourceProperties('Custom::NexumTenantSeed', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('Provider'), 'Arn'] },
      revision: Match.stringLikeRegexp('^[0-9a-f]{64}$'),
    });
    tenant.apiTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { USER_ON_EVENT_FUNCTION_ARN: { 'Fn::GetAtt': [seedId, 'Arn'] } } },
    });
  });
});
