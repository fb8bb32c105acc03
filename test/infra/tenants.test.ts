import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildTenantApp, type TenantStacks } from '../../infra/tenant-app';
import { loadTenantSettings } from '../../infra/tenant-settings';
import { nestedStacksOf } from './tenant-fixtures';

describe('two tenants in one app', () => {
  let demo: TenantStacks;
  let acme: TenantStacks;
  const templates = new Map<string, Template>();

  beforeAll(() => {
    // Both tenants in the same app: nothing may collide (construct ids, exports, names).
    const app = new App();
    demo = buildTenantApp(loadTenantSettings('demo'), app);
    acme = buildTenantApp(loadTenantSettings('acme-credit-union'), app);
    for (const stack of [demo.data, demo.api, acme.data, acme.api]) {
      templates.set(stack.stackName, Template.fromStack(stack));
    }
  });

  const template = (stackName: string): Template => {
    const found = templates.get(stackName);
    if (found === undefined) throw new Error(`No template for ${stackName}`);
    return found;
  };

  /** The values of one property across the resources of a type in a stack. */
  const propertyValues = (stackName: string, type: string, property: string): unknown[] =>
    Object.values(template(stackName).findResources(type)).map(
      (resource) => (resource as { Properties: Record<string, unknown> }).Properties[property],
    );

  it('names the stacks after the tenant', () => {
    expect([...templates.keys()]).toEqual([
      'Nexum-demo-Data',
      'Nexum-demo-Api',
      'Nexum-acme-credit-union-Data',
      'Nexum-acme-credit-union-Api',
    ]);
  });

  it('gives each tenant its own table, key aliases, bus and API', () => {
    const names = (tenant: string): unknown[] => [
      ...propertyValues(`Nexum-${tenant}-Data`, 'AWS::DynamoDB::Table', 'TableName'),
      ...propertyValues(`Nexum-${tenant}-Data`, 'AWS::KMS::Alias', 'AliasName'),
      ...propertyValues(`Nexum-${tenant}-Data`, 'AWS::Events::EventBus', 'Name'),
      ...propertyValues(`Nexum-${tenant}-Api`, 'AWS::ApiGateway::RestApi', 'Name'),
      ...propertyValues(`Nexum-${tenant}-Api`, 'AWS::WAFv2::WebACL', 'Name'),
    ];

    expect(names('demo')).toEqual([
      'nexum-demo-main',
      'alias/nexum/demo/ledger',
      'alias/nexum/demo/pii',
      'alias/nexum/demo/jwt',
      'alias/nexum/demo/blind-index',
      'nexum-demo',
      'nexum-demo',
      'nexum-demo-api',
    ]);
    expect(names('acme-credit-union')).toEqual([
      'nexum-acme-credit-union-main',
      'alias/nexum/acme-credit-union/ledger',
      'alias/nexum/acme-credit-union/pii',
      'alias/nexum/acme-credit-union/jwt',
      'alias/nexum/acme-credit-union/blind-index',
      'nexum-acme-credit-union',
      'nexum-acme-credit-union',
      'nexum-acme-credit-union-api',
    ]);
  });

  it('wires each API stack, nested stacks included, to its own tenant data stack only', () => {
    expect(demo.api.dependencies).toEqual([demo.data]);
    expect(acme.api.dependencies).toEqual([acme.data]);
    const acmeApi = [acme.api, ...nestedStacksOf(acme.api)].map((stack) =>
      JSON.stringify(Template.fromStack(stack).toJSON()),
    );
    expect(acmeApi.some((json) => json.includes('Nexum-acme-credit-union-Data'))).toBe(true);
    for (const json of acmeApi) expect(json).not.toContain('Nexum-demo-Data');
  });

  it('pins acme to its account and region, and leaves demo environment-agnostic', () => {
    expect([acme.data.account, acme.data.region]).toEqual(['123456789012', 'us-east-2']);
    expect([acme.api.account, acme.api.region]).toEqual(['123456789012', 'us-east-2']);
    expect(Token.isUnresolved(demo.data.account)).toBe(true);
    expect(Token.isUnresolved(demo.data.region)).toBe(true);
  });

  it('applies each tenant its own limits, origins and retention', () => {
    const acmeApi = template('Nexum-acme-credit-union-Api');
    const demoApi = template('Nexum-demo-Api');
    // The business groups' functions, in their nested stacks.
    const acmeAccounts = Template.fromStack(acme.api.groupStackOf('accounts'));
    const demoAccounts = Template.fromStack(demo.api.groupStackOf('accounts'));
    const rateRule = (limit: number) =>
      Match.arrayWith([
        Match.objectLike({
          Statement: {
            RateBasedStatement: { Limit: limit, EvaluationWindowSec: 60, AggregateKeyType: 'IP' },
          },
        }),
      ]);

    acmeApi.hasResourceProperties('AWS::WAFv2::WebACL', { Rules: rateRule(300) });
    demoApi.hasResourceProperties('AWS::WAFv2::WebACL', { Rules: rateRule(60) });
    acmeApi.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 5, BurstLimit: 50 },
    });
    acmeApi.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 })],
    });
    expect(
      propertyValues('Nexum-acme-credit-union-Api', 'AWS::Logs::LogGroup', 'RetentionInDays'),
    ).toEqual(expect.arrayContaining([2557]));
    acmeApi.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          NEXUM_TENANT: 'acme-credit-union',
          NEXUM_BASE_CURRENCY: 'USD',
          NEXUM_CORS_ORIGINS: 'https://online.acme-cu.example',
        }),
      },
    });
    acmeAccounts.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          NEXUM_TENANT: 'acme-credit-union',
          NEXUM_ACCESS_TOKEN_TTL_SECONDS: '600',
          NEXUM_LOCKOUT_MAX_ATTEMPTS: '3',
          NEXUM_LOCKOUT_MINUTES: '60',
        }),
      },
    });
    demoAccounts.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          NEXUM_TENANT: 'demo',
          NEXUM_ACCESS_TOKEN_TTL_SECONDS: '900',
          NEXUM_LOCKOUT_MAX_ATTEMPTS: '5',
          NEXUM_LOCKOUT_MINUTES: '30',
        }),
      },
    });
    acmeApi.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'cloud-ops@acme-cu.example',
    });
  });

  it('tags the resources of the nested stacks with their tenant too', () => {
    for (const [stacks, tenant] of [
      [nestedStacksOf(demo.api), 'demo'],
      [nestedStacksOf(acme.api), 'acme-credit-union'],
    ] as const) {
      expect(stacks.length).toBeGreaterThan(0);
      for (const stack of stacks) {
        const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
        for (const fn of Object.values(functions) as Array<{ Properties: { Tags: unknown } }>) {
          expect(fn.Properties.Tags).toEqual(
            expect.arrayContaining([
              { Key: 'nexum:tenant', Value: tenant },
              { Key: 'nexum:component', Value: 'api' },
            ]),
          );
        }
      }
    }
  });

  it('tags every taggable resource with its tenant', () => {
    for (const [stackName, tenant] of [
      ['Nexum-demo-Data', 'demo'],
      ['Nexum-acme-credit-union-Api', 'acme-credit-union'],
    ] as const) {
      for (const type of ['AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::KMS::Key']) {
        for (const tags of propertyValues(stackName, type, 'Tags')) {
          expect(tags).toEqual(expect.arrayContaining([{ Key: 'nexum:tenant', Value: tenant }]));
        }
      }
    }
  });
});
