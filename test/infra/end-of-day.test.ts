import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Stack } from 'aws-cdk-lib';
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EndOfDay } from '../../infra/constructs/end-of-day';
import { endOfDaySegments, TenantSettingsSchema } from '../../infra/tenant-settings';
import { INTEREST_SEGMENTS } from '../../shared/application/interest/ports';
import { demoDataStack } from './tenant-fixtures';

type Json = Record<string, unknown>;

/** The end of day in a stack of its own, beside the table it works on. */
function synthesize(): { template: Template; stack: Stack; endOfDay: EndOfDay } {
  const { stack, ledger, settings, code } = demoDataStack('Batch');
  const endOfDay = new EndOfDay(stack, 'EndOfDay', {
    tenant: 'demo',
    settings,
    code,
    ledger,
    endOfDay: { schedule: '21:30', timezone: 'Europe/Berlin', segments: 4 },
    alarmEmail: 'ops@demo.example',
  });
  Aspects.of(stack).add(new AwsSolutionsChecks());
  return { template: Template.fromStack(stack), stack, endOfDay };
}

/** The state machine's definition as JSON (tokens such as the function's ARN become "<ref>"). */
function definitionOf(template: Template): Json {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  const body = (machines[0] as { Properties: { DefinitionString: unknown } }).Properties
    .DefinitionString;
  const parts =
    typeof body === 'string'
      ? [body]
      : (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  return JSON.parse(
    parts.map((part) => (typeof part === 'string' ? part : '<ref>')).join(''),
  ) as Json;
}

/** Every statement of the policies attached to a role whose logical id matches. */
function statementsOf(template: Template, role: RegExp): Json[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Json[] } } }
  >;
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((ref) => role.test(ref.Ref)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const actionsOf = (statements: Json[]): string[] =>
  statements.flatMap((statement) =>
    Array.isArray(statement.Action) ? (statement.Action as string[]) : [statement.Action as string],
  );

describe('the end of day in AWS (CDK)', () => {
  let synthesized: ReturnType<typeof synthesize>;
  let definition: Json;
  beforeAll(() => {
    synthesized = synthesize();
    definition = definitionOf(synthesized.template);
  });

  it('schedules the state machine daily at the cut-off in the tenant’s time zone', () => {
    synthesized.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'nexum-demo-end-of-day',
      ScheduleExpression: 'cron(30 21 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      Target: {
        Arn: { Ref: Match.stringLikeRegexp('EndOfDayStateMachine') },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      },
    });
  });

  it('runs start → a Map over the segments (bounded) looping a resumable segment task with retries and a catch → finish', () => {
    const states = definition.States as Record<string, Json>;
    expect(definition.StartAt).toBe('Start');
    expect(states.Start).toMatchObject({ Type: 'Task', Next: 'Skipped' });
    expect(states.Skipped).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.skipped', BooleanEquals: true, Next: 'NothingToDo' }],
      Default: 'Segments',
    });
    const map = states.Segments as Json;
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.segments',
      MaxConcurrency: 4,
      ResultPath: null,
      Next: 'Finish',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Finish', ResultPath: '$.failure' }],
    });
    const inner = (map.ItemProcessor as Json).States as Record<string, Json>;
    expect((map.ItemProcessor as Json).StartAt).toBe('RunSegment');
    expect(inner.RunSegment).toMatchObject({
      Type: 'Task',
      // The function itself (payloadResponseOnly): its answer is the state's output.
      Resource: '<ref>',
      Parameters: {
        action: 'segment',
        'runId.$': '$.runId',
        'businessDate.$': '$.businessDate',
        'segment.$': '$.segment',
      },
      Retry: [
        {
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: 10,
          BackoffRate: 2,
          MaxAttempts: 4,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'SegmentFailed', ResultPath: '$.failure' }],
      Next: 'SegmentDone',
    });
    // `done: false` (stopped before the deadline at a checkpoint) loops the same task.
    expect(inner.SegmentDone).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.done', BooleanEquals: false, Next: 'RunSegment' }],
      Default: 'SegmentFinished',
    });
    expect(states.Finish).toMatchObject({ Type: 'Task', Next: 'Succeeded' });
    expect(states.Succeeded).toMatchObject({
      Choices: [{ Variable: '$.status', StringEquals: 'SUCCEEDED', Next: 'BusinessDateAdvanced' }],
      Default: 'EndOfDayFailed',
    });
    expect(states.EndOfDayFailed).toMatchObject({ Type: 'Fail', Error: 'EndOfDayFailed' });
    for (const name of ['Start', 'Finish']) {
      expect((states[name] as Json).Retry).toEqual([
        expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 3, BackoffRate: 2 }),
      ]);
    }
    synthesized.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'nexum-demo-end-of-day',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('gives each role only what it needs', () => {
    const { template } = synthesized;
    // The scheduler may start this state machine and nothing else.
    const scheduler = statementsOf(template, /EndOfDayScheduleScheduler|SchedulerRoleForTarget/);
    expect(scheduler).toEqual([
      expect.objectContaining({
        Action: 'states:StartExecution',
        Effect: 'Allow',
        Resource: { Ref: expect.stringMatching(/EndOfDayStateMachine/) as unknown },
      }),
    ]);
    // The state machine invokes the end-of-day function only (plus tracing and log delivery).
    const machine = statementsOf(template, /EndOfDayStateMachineRole/);
    const invokes = machine.filter((statement) => statement.Action === 'lambda:InvokeFunction');
    expect(invokes).toHaveLength(1);
    expect(JSON.stringify(invokes[0]?.Resource)).toMatch(/EndOfDayFunctionHandler/);
    expect(actionsOf(machine).filter((action) => !/^(xray|logs):/.test(action))).toEqual([
      'lambda:InvokeFunction',
    ]);
    // The function reads and writes the table through its ledger grants: no scan, no delete.
    const fn = statementsOf(template, /EndOfDayFunctionRole/);
    const dynamo = actionsOf(fn).filter((action) => action.startsWith('dynamodb:'));
    expect([...new Set(dynamo)].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(actionsOf(fn).some((action) => /Scan|Delete|\*$/.test(action))).toBe(false);
  });

  it('alarms by e-mail on failed, timed-out or aborted executions and on a day without success', () => {
    const { template } = synthesized;
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'nexum-demo-end-of-day-failed',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'failed + timedOut + aborted' }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'ExecutionsFailed' }),
          }),
        }),
      ]),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('EndOfDayTopic') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'nexum-demo-end-of-day-missed',
      MetricName: 'ExecutionsSucceeded',
      Period: 86400,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@demo.example',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ NEXUM_EOD_TIME_ZONE: 'Europe/Berlin' }) },
    });
  });

  it('is cdk-nag (AwsSolutions) clean', () => {
    const awsSolutions = Match.stringLikeRegexp('AwsSolutions-.*');
    const findings = [
      ...Annotations.fromStack(synthesized.stack).findError('*', awsSolutions),
      ...Annotations.fromStack(synthesized.stack).findWarning('*', awsSolutions),
    ];
    expect(
      findings.map((finding) => `${finding.id}: ${JSON.stringify(finding.entry.data)}`),
    ).toEqual([]);
  });
});

describe('tenant settings endOfDay', () => {
  const base = {
    name: 'demo',
    region: 'eu-central-1',
    displayName: 'Demo',
    baseCurrency: 'EUR',
    branding: { primaryColor: '#0b5fff' },
    limits: { maxSingleTransaction: '10000.00', dailyWithdrawal: '2000.00' },
    rateLimit: {},
    alarmEmail: 'ops@demo.example',
    corsOrigins: ['https://demo.example'],
    logRetentionDays: 30,
  };

  it('defaults to 22:00 UTC over all 8 segments, the number the indexes are split into', () => {
    expect(endOfDaySegments).toBe(INTEREST_SEGMENTS);
    expect(TenantSettingsSchema.parse(base).endOfDay).toEqual({
      schedule: '22:00',
      timezone: 'UTC',
      segments: 8,
    });
  });

  it.each([
    [{ schedule: '24:00' }],
    [{ schedule: '9:00' }],
    [{ timezone: 'Mars/Olympus' }],
    [{ segments: 0 }],
    [{ segments: 9 }],
    [{ cron: '0 22 * * ?' }],
  ])('refuses %j', (endOfDay) => {
    expect(TenantSettingsSchema.safeParse({ ...base, endOfDay }).success).toBe(false);
  });
});
