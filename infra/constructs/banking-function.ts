import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { functionBundling } from './bundling-options';
import { retentionOf } from './log-retention';

/** What every Nexum function knows about its tenant and deployment. */
export interface FunctionSettings {
  readonly tenant: string;
  readonly tableName: string;
  readonly version: string;
  readonly corsOrigins: readonly string[];
  readonly baseCurrency: string;
  readonly logRetentionDays: number;
}

export interface BankingFunctionProps {
  /** Absolute path of the handler module (`functions/<name>/handler.ts`). */
  readonly entry: string;
  /** The repository root: esbuild's working directory, so tsconfig paths resolve. */
  readonly projectRoot: string;
  readonly depsLockFilePath: string;
  readonly description: string;
  readonly settings: FunctionSettings;
  /** Extra variables for this function only. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Shell commands run after esbuild, e.g. to copy static files beside the bundle. */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
  /** Runs the function in these subnets with this security group (e.g. to reach MSK). */
  readonly network?: {
    readonly vpc: ec2.IVpc;
    readonly subnets: readonly ec2.ISubnet[];
    readonly securityGroup: ec2.ISecurityGroup;
  };
  readonly timeout?: Duration;
}

/**
 * A Lambda function with the house defaults (STYLE 24): Node.js 22 on arm64, ESM bundle with
 * source maps, active tracing, and its own log group with the tenant's retention. The role starts
 * empty: it may write to its own log group and nothing else until a grant says otherwise, which
 * is why it is created here instead of taking the AWSLambdaBasicExecutionRole managed policy.
 */
export class BankingFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: BankingFunctionProps) {
    super(scope, id);
    const { settings } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionOf(settings.logRetentionDays),
      // Logs are records a bank must keep for their retention period even if the stateless
      // stack is destroyed and rebuilt; unnamed groups never collide with their replacements.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (${settings.tenant})`,
    });
    this.logGroup.grantWrite(this.role);
    this.grantPrincipal = this.role;

    this.function = new NodejsFunction(this, 'Handler', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: props.depsLockFilePath,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.network === undefined
        ? {}
        : {
            vpc: props.network.vpc,
            vpcSubnets: { subnets: [...props.network.subnets] },
            securityGroups: [props.network.securityGroup],
          }),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        NEXUM_TENANT: settings.tenant,
        NEXUM_TABLE_NAME: settings.tableName,
        NEXUM_VERSION: settings.version,
        NEXUM_LOG_LEVEL: 'info',
        NEXUM_CORS_ORIGINS: settings.corsOrigins.join(','),
        NEXUM_BASE_CURRENCY: settings.baseCurrency,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: functionBundling.target,
        minify: functionBundling.minify,
        sourceMap: functionBundling.sourcemap,
        mainFields: [...functionBundling.mainFields],
        banner: functionBundling.banner,
        esbuildArgs: Object.fromEntries(
          Object.entries(functionBundling.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
        // One self-contained file: the SDK version is the one tested, and tree-shaking makes the
        // bundle smaller than the runtime's full SDK is to load.
        bundleAwsSDK: true,
        forceDockerBundling: false,
        ...(props.afterBundling === undefined
          ? {}
          : { commandHooks: afterBundlingOnly(props.afterBundling) }),
      },
    });

    NagSuppressions.addResourceSuppressions(
      this.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which have no ' +
            'resource-level permissions and must use "*". test/infra asserts that X-Ray is the ' +
            'only use of "*" in function policies.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
    NagSuppressions.addResourceSuppressions(this.function, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to Node.js 22, the runtime the bundles target (node22) and the team develops ' +
          'against; moving to a newer runtime is a deliberate upgrade with its own benchmark run.',
      },
    ]);
  }
}

function afterBundlingOnly(
  afterBundling: (inputDir: string, outputDir: string) => string[],
): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling,
  };
}
