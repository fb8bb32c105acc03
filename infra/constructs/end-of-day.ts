import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { BankingFunction, type FunctionSettings } from './banking-function';
import type { LedgerTable } from './ledger-table';
import { retentionOf } from './log-retention';

export interface EndOfDayProps {
  readonly tenant: string;
  readonly settings: FunctionSettings;
  readonly code: {
    readonly projectRoot: string;
    readonly depsLockFilePath: string;
    readonly handlerEntry: (name: string) => string;
  };
  readonly ledger: LedgerTable;
  /** Tenant settings `endOfDay`: daily cut-off "HH:MM", IANA time zone, segments at once. */
  readonly endOfDay: {
    readonly schedule: string;
    readonly timezone: string;
    readonly segments: number;
  };
  readonly alarmEmail: string;
}

/**
 * The state machine's name: fixed per tenant, so the API stack can name its ARN (and grant
 * StartExecution on it) without a cross-stack reference to this stack.
 */
export const endOfDayStateMachineName = (tenant: string): string => `nexum-${tenant}-end-of-day`;

/** One invocation of the segment task: it stops at a checkpoint a minute before this. */
const SEGMENT_TIMEOUT = Duration.minutes(5);

/**
 * The end of day in AWS. EventBridge Scheduler starts a Step Functions state machine daily at the
 * tenant's cut-off in its time zone: `Start` (a run for the business date; skipped when the date
 * is already tomorrow's) → `Segments`, a Map over the segments of the sparse indexes with bounded
 * concurrency, each looping `RunSegment` (one Lambda invocation works from the segment's
 * checkpoint until done or short of time, `done: false` loops it), retried with backoff and
 * jitter, a segment out of retries caught and left FAILED on its checkpoint → `Finish` (advances
 * the business date, or records the run FAILED) → success, or the execution fails. Failed, timed
 * out or aborted executions, and a day without a successful one, alarm by e-mail.
 */
export class EndOfDay extends Construct {
  readonly function: BankingFunction;
  readonly stateMachine: sfn.StateMachine;
  readonly schedule: scheduler.Schedule;
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: EndOfDayProps) {
    super(scope, id);
    const prefix = endOfDayStateMachineName(props.tenant);

    this.function = new BankingFunction(this, 'Function', {
      entry: props.code.handlerEntry('eod'),
      projectRoot: props.code.projectRoot,
      depsLockFilePath: props.code.depsLockFilePath,
      description: 'Nexum end of day: start a run, work one segment from its checkpoint, finish',
      settings: props.settings,
      timeout: SEGMENT_TIMEOUT,
      environment: { NEXUM_EOD_TIME_ZONE: props.endOfDay.timezone },
    });
    // Reads (items, the GSI3 sparse indexes) and transactional writes; no delete, no scan.
    props.ledger.grantLedgerReads(this.function);
    props.ledger.grantLedgerWrites(this.function);

    const invoke = (name: string, payload: Record<string, unknown>) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: this.function.function,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
      });
    const retry = (task: tasks.LambdaInvoke, maxAttempts: number) =>
      task.addRetry({
        errors: [sfn.Errors.ALL],
        interval: Duration.seconds(10),
        backoffRate: 2,
        maxAttempts,
        jitterStrategy: sfn.JitterType.FULL,
      });

    const start = invoke('Start', { action: 'start' });
    retry(start, 3);

    // One segment: each retry and each `done: false` resumes from the segment's checkpoint.
    const segment = invoke('RunSegment', {
      action: 'segment',
      runId: sfn.JsonPath.stringAt('$.runId'),
      businessDate: sfn.JsonPath.stringAt('$.businessDate'),
      segment: sfn.JsonPath.numberAt('$.segment'),
    });
    retry(segment, 4);
    const segmentFailed = new sfn.Pass(this, 'SegmentFailed', {
      comment: 'Out of retries: the error is on the segment checkpoint, Finish fails the run',
    });
    segment.addCatch(segmentFailed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    const segmentDone = new sfn.Choice(this, 'SegmentDone')
      .when(sfn.Condition.booleanEquals('$.done', false), segment)
      .otherwise(new sfn.Succeed(this, 'SegmentFinished'));
    segment.next(segmentDone);

    const segments = new sfn.Map(this, 'Segments', {
      itemsPath: sfn.JsonPath.stringAt('$.segments'),
      maxConcurrency: props.endOfDay.segments,
      itemSelector: {
        runId: sfn.JsonPath.stringAt('$.runId'),
        businessDate: sfn.JsonPath.stringAt('$.businessDate'),
        segment: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    segments.itemProcessor(segment);

    const finish = invoke('Finish', { action: 'finish', runId: sfn.JsonPath.stringAt('$.runId') });
    retry(finish, 3);
    // Whatever stopped the Map, Finish records the run as FAILED (segments not DONE).
    segments.addCatch(finish, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    const failed = new sfn.Fail(this, 'EndOfDayFailed', {
      error: 'EndOfDayFailed',
      causePath: sfn.JsonPath.stringAt('$.error'),
    });
    const finished = new sfn.Choice(this, 'Succeeded')
      .when(
        sfn.Condition.stringEquals('$.status', 'SUCCEEDED'),
        new sfn.Succeed(this, 'BusinessDateAdvanced'),
      )
      .otherwise(failed);
    const definition = start.next(
      new sfn.Choice(this, 'Skipped')
        .when(sfn.Condition.booleanEquals('$.skipped', true), new sfn.Succeed(this, 'NothingToDo'))
        .otherwise(segments.next(finish).next(finished)),
    );

    const logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: retentionOf(props.settings.logRetentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: prefix,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: Duration.hours(6),
      tracingEnabled: true,
      // Execution data carries ids, dates and counts only; left out of the logs all the same.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    const [hour, minute] = props.endOfDay.schedule.split(':');
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: prefix,
      description: `Nexum ${props.tenant}: end of day at ${props.endOfDay.schedule} ${props.endOfDay.timezone}`,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(Number(minute)),
        hour: String(Number(hour)),
        timeZone: TimeZone.of(props.endOfDay.timezone),
      }),
      target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });

    this.topic = alarmTopic(this, props.tenant, props.alarmEmail);
    const period = Duration.hours(1);
    this.alarm(
      'FailedAlarm',
      `${prefix}-failed`,
      'An end-of-day execution failed, timed out or was aborted: the business date did not move',
      new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: this.stateMachine.metricFailed({ period, statistic: 'Sum' }),
          timedOut: this.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
          aborted: this.stateMachine.metricAborted({ period, statistic: 'Sum' }),
        },
        period,
      }),
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      cloudwatch.TreatMissingData.NOT_BREACHING,
    );
    this.alarm(
      'MissedAlarm',
      `${prefix}-missed`,
      'No end-of-day execution succeeded in the last day',
      this.stateMachine.metricSucceeded({ period: Duration.days(1), statistic: 'Sum' }),
      cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      cloudwatch.TreatMissingData.BREACHING,
    );

    NagSuppressions.addResourceSuppressions(
      this.stateMachine.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'lambda:InvokeFunction on the end-of-day function and its versions (<arn>:*), as ' +
            'LambdaInvoke grants it; and X-Ray/log delivery actions that take no resource.',
          appliesTo: [{ regex: '/^Resource::<.*EndOfDayFunction.*\\.Arn>:\\*$/g' }, 'Resource::*'],
        },
      ],
      true,
    );
  }

  private alarm(
    id: string,
    name: string,
    description: string,
    metric: cloudwatch.IMetric,
    comparisonOperator: cloudwatch.ComparisonOperator,
    treatMissingData: cloudwatch.TreatMissingData,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: name,
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator,
      treatMissingData,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}

/** An e-mail topic under its own key that CloudWatch may use (as OperationalAlarms does). */
function alarmTopic(scope: Construct, tenant: string, email: string): sns.Topic {
  const key = new kms.Key(scope, 'TopicKey', {
    description: `Nexum ${tenant}: end-of-day alarm notifications`,
    enableKeyRotation: true,
    pendingWindow: Duration.days(7),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  key.grant(
    new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
    'kms:Decrypt',
    'kms:GenerateDataKey',
  );
  const topic = new sns.Topic(scope, 'Topic', {
    topicName: `nexum-${tenant}-end-of-day-alarms`,
    displayName: `Nexum ${tenant} end-of-day alarms`,
    masterKey: key,
    enforceSSL: true,
  });
  topic.addSubscription(new subscriptions.EmailSubscription(email));
  return topic;
}
