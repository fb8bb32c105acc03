import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OperationalAlarmsProps {
  readonly tenant: string;
  readonly alarmEmail: string;
  readonly api: apigw.RestApi;
}

/**
 * Alarms that page the tenant's operators by e-mail: server errors of the API, and errors or
 * throttles of any function watched with `watchFunction`. An error here is an unhandled failure
 * (expected business outcomes are 4xx answers, not errors), so the threshold is a single
 * occurrence.
 */
export class OperationalAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: OperationalAlarmsProps) {
    super(scope, id);
    const prefix = `nexum-${props.tenant}`;
    this.prefix = prefix;

    // CloudWatch cannot publish to a topic under the AWS-managed SNS key (its policy cannot be
    // changed), so the topic has its own key that lets CloudWatch in. It protects notifications
    // only, so it is disposable with this stack.
    const key = new kms.Key(this, 'TopicKey', {
      description: `Nexum ${props.tenant}: alarm notifications`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey',
    );

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${prefix}-alarms`,
      displayName: `Nexum ${props.tenant} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    this.watch(
      this,
      'api-5xx',
      'The API answered with a 5xx (a function failed or timed out)',
      props.api.metricServerError({ period: Duration.minutes(1), statistic: 'Sum' }),
    );
  }

  /**
   * Alarms on the errors and throttles of `fn`, named after `name`. They are created in `scope`,
   * which may be a nested stack (the function's own, ADR 0007); only the topic is shared.
   */
  watchFunction(scope: Construct, name: string, fn: lambda.IFunction): void {
    this.watch(
      scope,
      `${name}-errors`,
      `The ${name} function failed with an unhandled error`,
      fn.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
    );
    this.watch(
      scope,
      `${name}-throttles`,
      `The ${name} function was throttled (concurrency exhausted)`,
      fn.metricThrottles({ period: Duration.minutes(1), statistic: 'Sum' }),
    );
  }

  private watch(
    scope: Construct,
    name: string,
    description: string,
    metric: cloudwatch.IMetric,
  ): void {
    const alarm = new cloudwatch.Alarm(scope, name, {
      alarmName: `${this.prefix}-${name}`,
      alarmDescription: description,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is not an incident.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
