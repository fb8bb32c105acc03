import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { BankingFunction, type FunctionSettings } from './banking-function';
import type { DomainEventBus } from './domain-event-bus';
import type { LedgerTable } from './ledger-table';

/** The MSK cluster a tenant bridges to (tenant settings `kafka`). */
export interface KafkaConnection {
  readonly clusterArn: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly topicPrefix: string;
  readonly bootstrapBrokers: string;
}

export interface EventPipelineProps {
  readonly tenant: string;
  readonly settings: FunctionSettings;
  readonly code: {
    readonly projectRoot: string;
    readonly depsLockFilePath: string;
    readonly handlerEntry: (name: string) => string;
  };
  readonly ledger: LedgerTable;
  readonly bus: DomainEventBus;
  readonly kafka?: KafkaConnection | undefined;
}

/** Attempts of the publisher per entry before its dead-letter queue. */
const PUBLISH_ATTEMPTS = 5;

/**
 * Outbox → EventBridge → Kafka. The table's stream feeds the publisher through an event source
 * mapping filtered to outbox inserts (bisect on error, partial batch responses, an SQS on-failure
 * destination); the publisher puts CloudEvents on the tenant's bus, retrying failed entries and
 * dead-lettering the rest to its own queue. With MSK settings, a bus rule buffers every event in
 * an SQS queue that the bridge function (in the cluster's VPC) produces to Kafka from.
 */
export class EventPipeline extends Construct {
  readonly publisher: BankingFunction;
  readonly deadLetters: sqs.Queue;
  readonly streamFailures: sqs.Queue;
  readonly bridge?: BankingFunction;
  readonly bridgeQueue?: sqs.Queue;
  readonly bridgeDeadLetters?: sqs.Queue;
  readonly bridgeRule?: events.Rule;

  constructor(scope: Construct, id: string, props: EventPipelineProps) {
    super(scope, id);
    this.deadLetters = queue(this, 'PublisherDeadLetters', `nexum-${props.tenant}-events-dlq`);
    this.streamFailures = queue(
      this,
      'StreamFailures',
      `nexum-${props.tenant}-outbox-stream-failures`,
    );

    this.publisher = new BankingFunction(this, 'Publisher', {
      entry: props.code.handlerEntry('event-publisher'),
      projectRoot: props.code.projectRoot,
      depsLockFilePath: props.code.depsLockFilePath,
      description: 'Nexum outbox publisher: table stream to EventBridge',
      settings: props.settings,
      timeout: Duration.seconds(60),
      environment: {
        NEXUM_EVENT_BUS_NAME: props.bus.bus.eventBusName,
        NEXUM_EVENTS_DLQ_URL: this.deadLetters.queueUrl,
        NEXUM_EVENTS_MAX_ATTEMPTS: String(PUBLISH_ATTEMPTS),
      },
    });
    props.bus.grantPublish(this.publisher);
    this.deadLetters.grantSendMessages(this.publisher);
    props.ledger.grantOutboxPublishing(this.publisher);
    const streamArn = props.ledger.table.tableStreamArn;
    if (streamArn === undefined) throw new Error('The ledger table has no stream');
    this.publisher.function.addEventSourceMapping('OutboxStream', {
      eventSourceArn: streamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 10,
      maxRecordAge: Duration.days(1),
      onFailure: new SqsDlq(this.streamFailures),
      filters: [
        lambda.FilterCriteria.filter({
          // FilterRule.isEqual(x) is [x]; written out, the pattern stays typed.
          eventName: ['INSERT'],
          dynamodb: { NewImage: { type: { S: ['OutboxEvent'] } } },
        }),
      ],
    });
    this.streamFailures.grantSendMessages(this.publisher);
    for (const deadLetterQueue of [this.deadLetters, this.streamFailures]) {
      NagSuppressions.addResourceSuppressions(deadLetterQueue, [
        {
          id: 'AwsSolutions-SQS3',
          reason:
            'This queue is a dead-letter destination itself: of the publisher (entries EventBridge ' +
            'kept refusing) or of the stream mapping (on-failure records); nothing consumes it.',
        },
      ]);
    }
    NagSuppressions.addResourceSuppressions(
      this.publisher.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "The table's stream ARN ends in its creation label, and stream reads (ListStreams, " +
            'DescribeStream, GetRecords, GetShardIterator) are scoped to <table ARN>/stream/*: the ' +
            'streams of this one table.',
          appliesTo: [{ regex: '/^Resource::.*MainTable.*/stream/\\*$/g' }],
        },
      ],
      true,
    );

    if (props.kafka !== undefined) {
      const kafka = props.kafka;
      this.bridgeDeadLetters = queue(
        this,
        'KafkaBridgeDeadLetters',
        `nexum-${props.tenant}-kafka-dlq`,
      );
      this.bridgeQueue = new sqs.Queue(this, 'KafkaBridgeQueue', {
        queueName: `nexum-${props.tenant}-kafka-bridge`,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // Six times the bridge's timeout, as Lambda advises for SQS sources.
        visibilityTimeout: Duration.seconds(180),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: this.bridgeDeadLetters, maxReceiveCount: 5 },
      });
      this.bridgeRule = new events.Rule(this, 'KafkaBridgeRule', {
        eventBus: props.bus.bus,
        description: `Every Nexum ${props.tenant} domain event, to the Kafka bridge`,
        eventPattern: { source: [`nexum/${props.tenant}`] },
        targets: [new targets.SqsQueue(this.bridgeQueue)],
      });

      const vpc = ec2.Vpc.fromVpcAttributes(this, 'KafkaVpc', {
        vpcId: kafka.vpcId,
        availabilityZones: Stack.of(this).availabilityZones,
      });
      this.bridge = new BankingFunction(this, 'KafkaBridge', {
        entry: props.code.handlerEntry('kafka-bridge'),
        projectRoot: props.code.projectRoot,
        depsLockFilePath: props.code.depsLockFilePath,
        description: 'Nexum Kafka bridge: EventBridge (via SQS) to MSK',
        settings: props.settings,
        timeout: Duration.seconds(30),
        network: {
          vpc,
          subnets: kafka.subnetIds.map((subnetId, index) =>
            ec2.Subnet.fromSubnetId(this, `KafkaSubnet${index}`, subnetId),
          ),
          securityGroup: ec2.SecurityGroup.fromSecurityGroupId(
            this,
            'KafkaSecurityGroup',
            kafka.securityGroupId,
          ),
        },
        environment: {
          KAFKA_BROKERS: kafka.bootstrapBrokers,
          NEXUM_KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
          NEXUM_KAFKA_AUTH: 'iam',
        },
      });
      this.bridge.function.addEventSource(
        new SqsEventSource(this.bridgeQueue, {
          batchSize: 10,
          maxBatchingWindow: Duration.seconds(1),
          reportBatchItemFailures: true,
        }),
      );
      grantKafkaProduce(this.bridge, kafka);
      NagSuppressions.addResourceSuppressions(
        this.bridge.role,
        [
          {
            id: 'AwsSolutions-IAM4',
            reason:
              'A function in a VPC needs AWSLambdaVPCAccessExecutionRole (ENI management), which ' +
              'CDK attaches; its EC2 network-interface actions have no resource-level scoping.',
          },
          {
            id: 'AwsSolutions-IAM5',
            reason:
              'MSK IAM topic permissions are scoped to the tenant topic prefix (`<prefix>.*`) of ' +
              'the one configured cluster.',
          },
        ],
        true,
      );
    }
  }
}

function queue(scope: Construct, id: string, queueName: string): sqs.Queue {
  return new sqs.Queue(scope, id, {
    queueName,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
}

/**
 * MSK IAM: connect to the one cluster, write idempotently, and describe/write (and create, for a
 * first event of a new aggregate) the topics under the tenant's prefix.
 */
function grantKafkaProduce(grantee: iam.IGrantable, kafka: KafkaConnection): void {
  // arn:…:kafka:<region>:<account>:cluster/<name>/<uuid> → …:topic/<name>/<uuid>/<prefix>.*
  const topicArn = `${kafka.clusterArn.replace(':cluster/', ':topic/')}/${kafka.topicPrefix}.*`;
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'],
    resourceArns: [kafka.clusterArn],
  });
  iam.Grant.addToPrincipal({
    grantee,
    actions: [
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:WriteData',
      'kafka-cluster:CreateTopic',
    ],
    resourceArns: [topicArn],
  });
}
