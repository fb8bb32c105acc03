import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Stack } from 'aws-cdk-lib';
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DomainEventBus } from '../../infra/constructs/domain-event-bus';
import { EventPipeline, type KafkaConnection } from '../../infra/constructs/event-pipeline';
import { demoDataStack } from './tenant-fixtures';

const kafka: KafkaConnection = {
  clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/ledger/abc-123',
  vpcId: 'vpc-0abc',
  subnetIds: ['subnet-0abc', 'subnet-0def'],
  securityGroupId: 'sg-0abc',
  topicPrefix: 'bank.events',
  bootstrapBrokers: 'b-1.ledger.abc.kafka.eu-west-1.amazonaws.com:9098',
};

/** The pipeline in a stack of its own, beside the data constructs it reads. */
function synthesize(withKafka: boolean): {
  template: Template;
  pipeline: EventPipeline;
  stack: Stack;
} {
  const { stack, ledger, settings, code } = demoDataStack('Events');
  const bus = new DomainEventBus(stack, 'Bus', { tenant: 'demo' });
  const pipeline = new EventPipeline(stack, 'Pipeline', {
    tenant: 'demo',
    settings,
    code,
    ledger,
    bus,
    kafka: withKafka ? kafka : undefined,
  });
  Aspects.of(stack).add(new AwsSolutionsChecks());
  return { template: Template.fromStack(stack), pipeline, stack };
}

describe('the event pipeline (CDK)', () => {
  let plain: ReturnType<typeof synthesize>;
  let bridged: ReturnType<typeof synthesize>;
  beforeAll(() => {
    plain = synthesize(false);
    bridged = synthesize(true);
  });

  it('feeds the publisher from the table stream, filtered to outbox inserts, with bisect, partial batches and an on-failure queue', () => {
    plain.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('MainTable'), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT'],
              dynamodb: { NewImage: { type: { S: ['OutboxEvent'] } } },
            }),
          },
        ],
      },
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('StreamFailures'), 'Arn'] },
        },
      },
    });
  });

  it('gives the publisher the bus, its dead-letter queue and outbox updates only', () => {
    plain.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Nexum outbox publisher: table stream to EventBridge',
      Timeout: 60,
      Environment: {
        Variables: Match.objectLike({
          NEXUM_EVENT_BUS_NAME: Match.anyValue(),
          NEXUM_EVENTS_DLQ_URL: { Ref: Match.stringLikeRegexp('PublisherDeadLetters') },
          NEXUM_EVENTS_MAX_ATTEMPTS: '5',
        }),
      },
    });
    const statements = JSON.stringify(plain.template.findResources('AWS::IAM::Policy'));
    expect(statements).toContain('events:PutEvents');
    expect(statements).toContain('"dynamodb:LeadingKeys":["OUTBOX#*"]');
    plain.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'dynamodb:UpdateItem',
            Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OUTBOX#*'] } },
          }),
        ]),
      },
    });
    plain.template.resourceCountIs('AWS::SQS::Queue', 2);
    plain.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'nexum-demo-events-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('passes cdk-nag AwsSolutions with and without the bridge', () => {
    for (const { stack } of [plain, bridged]) {
      const findings = [
        ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ].filter((finding) => finding.id.includes('/Pipeline/'));
      expect(findings.map((f) => `${f.id}: ${JSON.stringify(f.entry.data)}`)).toEqual([]);
    }
  });

  it('has no Kafka bridge without MSK settings', () => {
    expect(plain.pipeline.bridge).toBeUndefined();
    plain.template.resourceCountIs('AWS::Events::Rule', 0);
    plain.template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  it('routes every event of the tenant through a rule and a buffered queue to the bridge', () => {
    bridged.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['nexum/demo'] },
      Targets: [{ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('KafkaBridgeQueue'), 'Arn'] } }],
    });
    bridged.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'nexum-demo-kafka-bridge',
      RedrivePolicy: {
        deadLetterTargetArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('KafkaBridgeDeadLetters'), 'Arn'],
        },
        maxReceiveCount: 5,
      },
    });
    bridged.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('KafkaBridgeQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
  });

  it('runs the bridge in the cluster VPC with MSK IAM rights on the tenant topics', () => {
    bridged.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Nexum Kafka bridge: EventBridge (via SQS) to MSK',
      VpcConfig: { SubnetIds: ['subnet-0abc', 'subnet-0def'], SecurityGroupIds: ['sg-0abc'] },
      Environment: {
        Variables: Match.objectLike({
          KAFKA_BROKERS: kafka.bootstrapBrokers,
          NEXUM_KAFKA_TOPIC_PREFIX: 'bank.events',
          NEXUM_KAFKA_AUTH: 'iam',
        }),
      },
    });
    bridged.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
            Resource: kafka.clusterArn,
          }),
          Match.objectLike({
            Resource: 'arn:aws:kafka:eu-west-1:123456789012:topic/ledger/abc-123/bank.events.*',
          }),
        ]),
      },
    });
  });
});
