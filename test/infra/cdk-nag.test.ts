import { beforeAll, describe, expect, it } from '@jest/globals';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BankingApi } from '../../infra/constructs/banking-api';
import { synthesizeTenant, type SynthesizedTenant } from './tenant-fixtures';

const awsSolutions = Match.stringLikeRegexp('AwsSolutions-.*');

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
});

describe('cdk-nag guard on route permissions', () => {
  it('fails a route that requires a permission until an authorizer protects it', () => {
    // Prepare: the real API construct with one public and one protected route.
    const app = new App();
    const stack = new Stack(app, 'GuardTest');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({ statusCode: 204 });'),
    });
    new BankingApi(stack, 'Api', {
      tenant: 'guard',
      routes: [
        {
          method: 'GET',
          path: '/health',
          group: 'system',
          permission: 'public',
          operationId: 'getHealth',
        },
        {
          method: 'GET',
          path: '/status',
          group: 'system',
          permission: 'VIEW_REPORTS',
          operationId: 'getStatus',
        },
      ],
      handlerOf: () => fn,
      fallbackGroup: 'system',
      corsOrigins: ['*'],
      throttling: { requestsPerMinute: 60, burst: 10, stageRequestsPerSecond: 10, stageBurst: 20 },
      accessLogRetention: RetentionDays.ONE_WEEK,
    });
    Aspects.of(app).add(new AwsSolutionsChecks());

    // Act
    const errors = Annotations.fromStack(stack).findError(
      '*',
      Match.stringLikeRegexp('AwsSolutions-APIG4'),
    );

    // Assess
    expect(errors.map((error) => error.id)).toEqual([
      '/GuardTest/Api/RestApi/Default/status/GET/Resource',
    ]);
  });
});
