import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { corsPolicy } from '../../shared/contracts/cors';
import { endpointGroups, type EndpointGroup } from '../../shared/contracts/groups';
import { routeList } from '../../shared/contracts/routes/index';
import {
  logicalIdOf,
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

/** Every statement of the inline policies attached to a role, by the role's logical id. */
function statementsOfRole(policies: CfnResources, roleId: string): Statement[] {
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleId}"`))
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

describe('BankingApiStack (demo tenant)', () => {
  let tenant: SynthesizedTenant;
  let methods: Array<{ httpMethod: string; path: string; properties: Record<string, unknown> }>;

  beforeAll(() => {
    tenant = synthesizeTenant('demo');
    const paths = resourcePaths(resourcesOfType(tenant.apiTemplate, 'AWS::ApiGateway::Resource'));
    methods = Object.values(resourcesOfType(tenant.apiTemplate, 'AWS::ApiGateway::Method')).map(
      (method) => {
        const properties = method.Properties ?? {};
        const resourceId = properties.ResourceId as { Ref?: string };
        return {
          httpMethod: String(properties.HttpMethod),
          path: resourceId.Ref === undefined ? '/' : (paths.get(resourceId.Ref) ?? '?'),
          properties,
        };
      },
    );
  });

  describe('functions', () => {
    it('deploys one function per endpoint group, plus the seed and the outbox publisher', () => {
      expect([...tenant.api.functions.keys()]).toEqual([...endpointGroups]);
      // The provider framework of the seed is one more; no Kafka settings, so no bridge.
      tenant.apiTemplate.resourceCountIs('AWS::Lambda::Function', endpointGroups.length + 3);
    });

    const functionNames: ReadonlyArray<EndpointGroup | 'seed'> = [...endpointGroups, 'seed'];

    it.each(functionNames)('runs %s on Node.js 22, arm64, with the house defaults', (name) => {
      const fn = name === 'seed' ? tenant.api.seedFunction : tenant.api.functionOf(name);

      tenant.apiTemplate.hasResourceProperties('AWS::Lambda::Function', {
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
      tenant.apiTemplate.hasResourceProperties('AWS::Logs::LogGroup', {
        RetentionInDays: tenant.settings.logRetentionDays,
      });
    });

    it('configures the functions from the tenant settings', () => {
      const tableRef: unknown = tenant.api.resolve(tenant.data.ledger.tableName);

      tenant.apiTemplate.hasResourceProperties('AWS::Lambda::Function', {
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
        const resource = resourcesOfType(tenant.apiTemplate, 'AWS::Lambda::Function')[
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
          const jwtKeyId: unknown = tenant.api.resolve(tenant.data.keys.jwtSigningKey.keyId);

          expect(jwtKeyId).toEqual({ 'Fn::ImportValue': expect.stringMatching(/JwtSigningKey/) });
          expect(variablesOf(group)).toMatchObject({
            NEXUM_JWT_KMS_KEY_ID: jwtKeyId,
            NEXUM_PII_KMS_KEY_ID: tenant.api.resolve(tenant.data.keys.piiKey.keyArn) as unknown,
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
      '%s %s is a Lambda proxy method of the %s function',
      (httpMethod, path, group) => {
        const fnId = logicalIdOf(tenant.api.functionOf(group).function);

        const matches = methods.filter((m) => m.httpMethod === httpMethod && m.path === path);

        expect(matches).toHaveLength(1);
        const integration = matches[0]?.properties.Integration as Record<string, unknown>;
        expect(integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
        expect(JSON.stringify(integration.Uri)).toContain(`"${fnId}","Arn"`);
      },
    );

    it('declares path parameters as required, for the request validator', () => {
      const asset = methods.find((m) => m.httpMethod === 'GET' && m.path === '/docs/{asset}');

      expect(asset?.properties).toMatchObject({
        RequestParameters: { 'method.request.path.asset': true },
        RequestValidatorId: { Ref: expect.any(String) },
      });
      tenant.apiTemplate.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
        ValidateRequestBody: true,
        ValidateRequestParameters: true,
      });
    });

    it('sends unknown paths and methods to the system function (404/405 problem+json)', () => {
      const systemId = logicalIdOf(tenant.api.functionOf('system').function);
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
        expect(JSON.stringify(fallback.properties.Integration)).toContain(`"${systemId}","Arn"`);
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
      const permissions = Object.values(
        resourcesOfType(tenant.apiTemplate, 'AWS::Lambda::Permission'),
      ).filter((p) => p.Properties?.Principal === 'apigateway.amazonaws.com');

      expect(permissions).toHaveLength(invoked.size);
      for (const group of invoked) {
        const fnId = logicalIdOf(tenant.api.functionOf(group).function);
        const permission = permissions.filter(
          (p) =>
            JSON.stringify(p.Properties?.FunctionName) ===
            JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }),
        );
        expect(permission).toHaveLength(1);
        expect(permission[0]?.Properties).toMatchObject({
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
      const alarms = Object.values(resourcesOfType(tenant.apiTemplate, 'AWS::CloudWatch::Alarm'));
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
      for (const alarm of alarms) {
        expect(alarm.Properties?.AlarmActions).toEqual([
          { Ref: expect.stringMatching(/AlarmsTopic/) },
        ]);
      }
    });
  });

  describe('least privilege', () => {
    let policies: CfnResources;

    beforeAll(() => {
      policies = resourcesOfType(tenant.apiTemplate, 'AWS::IAM::Policy');
    });

    it('attaches no AWS managed policy to any role', () => {
      for (const role of Object.values(resourcesOfType(tenant.apiTemplate, 'AWS::IAM::Role'))) {
        expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('gives the system function read access to the system marker only', () => {
      const statements = statementsOfRole(
        policies,
        logicalIdOf(tenant.api.functionOf('system').role),
      );
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
      const statements = statementsOfRole(policies, logicalIdOf(tenant.api.seedFunction.role));
      const dynamodbActions = statements
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('dynamodb:'))
        .sort();

      expect(dynamodbActions).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    });

    it('lets only the customers function delete lookup entries and rotate the PII key', () => {
      const piiKey = JSON.stringify(tenant.api.resolve(tenant.data.keys.piiKey.keyArn));
      const customers = statementsOfRole(
        policies,
        logicalIdOf(tenant.api.functionOf('customers').role),
      );
      const accounts = statementsOfRole(
        policies,
        logicalIdOf(tenant.api.functionOf('accounts').role),
      );
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
      const accountActions = accounts.flatMap(actionsOf);
      expect(accountActions).not.toContain('dynamodb:DeleteItem');
      expect(accountActions).not.toContain('dynamodb:Scan');
      expect(accountActions).not.toContain('kms:RotateKeyOnDemand');
    });

    it('uses the table key only through DynamoDB', () => {
      const ledgerKey = JSON.stringify(tenant.api.resolve(tenant.data.keys.ledgerKey.keyArn));
      const kms = Object.values(policies)
        .flatMap(statementsOf)
        .filter((s) => JSON.stringify(s.Resource) === ledgerKey);

      expect(kms.length).toBeGreaterThan(0);
      for (const statement of kms) {
        expect(statement.Condition?.StringEquals).toHaveProperty('kms:ViaService');
      }
    });

    describe('the token-signing key', () => {
      let jwtKeyArn: unknown;
      /** The actions a role has on the token key. */
      const jwtKeyActionsOf = (roleId: string): string[] =>
        statementsOfRole(policies, roleId)
          .filter((statement) => covers(statement, jwtKeyArn))
          .flatMap(actionsOf)
          .sort();

      beforeAll(() => {
        jwtKeyArn = tenant.api.resolve(tenant.data.keys.jwtSigningKey.keyArn);
      });

      it('lets only the auth function sign, on the token key alone', () => {
        const authRoleId = logicalIdOf(tenant.api.functionOf('auth').role);
        const signing = Object.values(policies).filter((policy) =>
          statementsOf(policy).some((statement) => actionsOf(statement).includes('kms:Sign')),
        );

        expect(signing).toHaveLength(1);
        expect(signing[0]?.Properties?.Roles).toEqual([{ Ref: authRoleId }]);
        for (const statement of statementsOf(signing[0] ?? { Type: '' })) {
          if (!actionsOf(statement).includes('kms:Sign')) continue;
          expect(statement).toMatchObject({ Effect: 'Allow', Resource: jwtKeyArn });
          expect(statement.Condition).toBeUndefined();
        }
        expect(jwtKeyActionsOf(authRoleId)).toEqual(['kms:GetPublicKey', 'kms:Sign']);
      });

      it.each(businessGroups.filter((group) => group !== 'auth'))(
        'lets the %s function fetch the public key to verify tokens, and not sign',
        (group) => {
          const roleId = logicalIdOf(tenant.api.functionOf(group).role);

          expect(jwtKeyActionsOf(roleId)).toEqual(['kms:GetPublicKey']);
          expect(statementsOfRole(policies, roleId).flatMap(actionsOf)).not.toContain('kms:Sign');
        },
      );

      it('gives the system and seed functions nothing on the token key', () => {
        for (const fn of [tenant.api.functionOf('system'), tenant.api.seedFunction]) {
          expect(jwtKeyActionsOf(logicalIdOf(fn.role))).toEqual([]);
        }
      });
    });

    it('grants "*" resources only for X-Ray, which has no resource-level permissions', () => {
      const wildcard = Object.values(policies)
        .flatMap(statementsOf)
        .filter((statement) => statement.Resource === '*');

      expect(wildcard.length).toBeGreaterThan(0);
      for (const statement of wildcard) {
        expect(actionsOf(statement).every((action) => action.startsWith('xray:'))).toBe(true);
      }
    });
  });

  it('ticks the customers function every 5 minutes to finish an incomplete PII re-wrap', () => {
    const customersId = logicalIdOf(tenant.api.functionOf('customers').function);
    const rules = Object.values(resourcesOfType(tenant.apiTemplate, 'AWS::Events::Rule')).filter(
      (rule) => JSON.stringify(rule.Properties).includes(customersId),
    );

    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
    });
    tenant.apiTemplate.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [customersId, 'Arn'] },
    });
  });

  it('creates the first administrator from a generated secret only the seed may read', () => {
    const secretId = logicalIdOf(tenant.api.adminSecret);
    const seedRole = logicalIdOf(tenant.api.seedFunction.role);
    const policies = resourcesOfType(tenant.apiTemplate, 'AWS::IAM::Policy');
    const readers = Object.values(policies).filter((policy) =>
      JSON.stringify(policy.Properties).includes('secretsmanager:GetSecretValue'),
    );

    tenant.apiTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 32, RequireEachIncludedType: true }),
    });
    tenant.apiTemplate.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]?.Properties)).toContain(seedRole);
    const seed = resourcesOfType(tenant.apiTemplate, 'AWS::Lambda::Function')[
      logicalIdOf(tenant.api.seedFunction.function)
    ];
    expect(JSON.stringify(seed?.Properties?.Environment)).toContain(
      `"NEXUM_ADMIN_SECRET_ARN":{"Ref":"${secretId}"}`,
    );
    // The password itself appears nowhere in the template.
    expect(JSON.stringify(tenant.apiTemplate.toJSON())).not.toContain('resolve:secretsmanager');
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
