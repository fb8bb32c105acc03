import { CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface TenantSeedProps {
  /** The CloudFormation custom-resource handler (functions/seed/handler.ts). */
  readonly seedFunction: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
  /**
   * Changes whenever the seed should run again, e.g. the hash of the seed bundle: CloudFormation
   * calls the handler on create and on every change of its properties.
   */
  readonly revision: string;
}

/**
 * Seeds an empty tenant during deployment, through the CDK provider framework. The handler is
 * idempotent (create-once writes), so re-running it on a seeded tenant changes nothing; it runs
 * again whenever the seed code changes, which is how later modules add their seeds.
 *
 * On an empty tenant the seed also creates user `admin` with the password Secrets Manager
 * generated into the stack's AdminPassword secret (BankingApiStack), which only the seed and the
 * tenant's operators can read.
 */
export class TenantSeed extends Construct {
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: TenantSeedProps) {
    super(scope, id);

    const logGroup = new logs.LogGroup(this, 'ProviderLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role instead of the framework's default, which carries the
    // AWSLambdaBasicExecutionRole managed policy (logs on every log group of the account).
    const role = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'CDK provider framework for the tenant seed',
    });
    logGroup.grantWrite(role);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: props.seedFunction,
      frameworkOnEventRole: role,
      logGroup,
    });

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::NexumTenantSeed',
      properties: { revision: props.revision },
    });

    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The provider framework may invoke the seed function and its versions ' +
            '(<function ARN>:*), which is how grantInvoke scopes Lambda invocation; the function ' +
            'itself is a single named resource.',
          appliesTo: [{ regex: '/^Resource::<.*SeedFunction.*\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
  }
}
