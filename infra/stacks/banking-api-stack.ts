import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { endpointGroups, type EndpointGroup } from '../../shared/contracts/groups';
import { routeList } from '../../shared/contracts/routes/index';
import { BankingApi, routeTableFingerprint } from '../constructs/banking-api';
import { BankingFunction, type FunctionSettings } from '../constructs/banking-function';
import { EventPipeline } from '../constructs/event-pipeline';
import { problemJson, rateLimitedByFirewall } from '../constructs/gateway-problems';
import { retentionOf } from '../constructs/log-retention';
import type { DataKeys } from '../constructs/data-keys';
import type { DomainEventBus } from '../constructs/domain-event-bus';
import type { LedgerTable } from '../constructs/ledger-table';
import { OperationalAlarms } from '../constructs/operational-alarms';
import { RateLimitFirewall } from '../constructs/rate-limit-firewall';
import { TenantSeed } from '../constructs/tenant-seed';
import type { TenantSettings } from '../tenant-settings';
import { ApiPathsStack, pathStackCount, pathStackOf } from './api-paths-stack';
import { EndpointGroupStack } from './endpoint-group-stack';

export interface BankingApiStackProps extends StackProps {
  readonly settings: TenantSettings;
  /** The application version, reported by /health. */
  readonly version: string;
  /** Where the function code lives (repository root and lock file). */
  readonly code: {
    readonly projectRoot: string;
    readonly depsLockFilePath: string;
    readonly handlerEntry: (name: string) => string;
  };
  /** The stateful resources of the same tenant (LedgerDataStack). */
  readonly ledger: LedgerTable;
  readonly keys: DataKeys;
  readonly events: DomainEventBus;
}

/**
 * The stateless half of a tenant (STYLE 24): functions, the REST API with its firewall, the
 * deploy-time seed and the alarms. Nothing here holds data, so the stack can be destroyed and
 * rebuilt at any time.
 *
 * CloudFormation allows 500 resources per template, so the stack is split (ADR 0007). This stack
 * keeps the API (resources, stage, deployment, validator, usage plan, gateway responses), the
 * WAF, the event pipeline, the seed with the admin secret, and the alarm topic. Each endpoint
 * group is a nested stack with its function and the methods of its routes
 * (`EndpointGroupStack`), and the methods every path has (fallback, CORS preflight) are spread
 * over `pathStackCount` nested stacks (`ApiPathsStack`).
 */
export class BankingApiStack extends Stack {
  readonly functions = new Map<EndpointGroup, BankingFunction>();
  readonly groupStacks = new Map<EndpointGroup, EndpointGroupStack>();
  readonly pathStacks: ApiPathsStack[] = [];
  readonly seedFunction: BankingFunction;
  readonly adminSecret: secretsmanager.Secret;
  readonly api: BankingApi;
  readonly events: EventPipeline;
  readonly alarms: OperationalAlarms;

  constructor(scope: Construct, id: string, props: BankingApiStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const retention = retentionOf(settings.logRetentionDays);
    const functionSettings: FunctionSettings = {
      tenant: settings.name,
      tableName: props.ledger.tableName,
      version: props.version,
      corsOrigins: settings.corsOrigins,
      baseCurrency: settings.baseCurrency,
      logRetentionDays: settings.logRetentionDays,
    };
    const routes = routeList();

    this.api = new BankingApi(this, 'Api', {
      tenant: settings.name,
      routes,
      corsOrigins: settings.corsOrigins,
      throttling: settings.rateLimit,
      accessLogRetention: retention,
    });
    this.alarms = new OperationalAlarms(this, 'Alarms', {
      tenant: settings.name,
      alarmEmail: settings.alarmEmail,
      api: this.api.api,
    });

    for (const group of endpointGroups) {
      const stack = new EndpointGroupStack(this, `${pascalCase(group)}Group`, {
        group,
        routes: routes.filter((route) => route.group === group),
        api: this.api,
        alarms: this.alarms,
        settings: functionSettings,
        resources: props,
        code: props.code,
      });
      this.groupStacks.set(group, stack);
      this.functions.set(group, stack.function);
    }

    const fallback = this.functionOf(fallbackGroup).function;
    for (let index = 0; index < pathStackCount; index += 1) {
      this.pathStacks.push(
        new ApiPathsStack(this, `Paths${index}`, {
          tenant: settings.name,
          api: this.api,
          paths: this.api.paths.filter((path) => pathStackOf(path) === index),
          fallback,
        }),
      );
    }

    // The deployment snapshots the methods, which all live in nested stacks: it waits for every
    // one of them, and is replaced whenever a route or an integration changes.
    for (const stack of [...this.groupStacks.values(), ...this.pathStacks]) {
      this.api.deployAfter(stack);
    }
    this.api.redeployOn(
      routeTableFingerprint(routes, {
        integration: 'AWS_PROXY lambda, one function per group',
        fallbackGroup,
        pathStackCount,
        paths: this.api.paths,
        cors: settings.corsOrigins,
      }),
    );

    this.events = new EventPipeline(this, 'Events', {
      tenant: settings.name,
      settings: functionSettings,
      code: props.code,
      ledger: props.ledger,
      bus: props.events,
      kafka: settings.kafka,
    });
    // GET /events/status reports the publisher's dead-letter queue depth.
    const eventsFunction = this.functionOf('events');
    eventsFunction.function.addEnvironment(
      'NEXUM_EVENTS_DLQ_URL',
      this.events.deadLetters.queueUrl,
    );
    this.events.deadLetters.grant(eventsFunction, 'sqs:GetQueueAttributes');

    this.seedFunction = new BankingFunction(this, 'SeedFunction', {
      entry: props.code.handlerEntry('seed'),
      projectRoot: props.code.projectRoot,
      depsLockFilePath: props.code.depsLockFilePath,
      description: 'Nexum tenant seed (CloudFormation custom resource)',
      settings: functionSettings,
    });
    props.ledger.grantCreateItems(this.seedFunction);
    // The first administrator's password: generated by Secrets Manager, read by the seed alone
    // (and the tenant's operators), never in the template, the function's configuration or logs.
    this.adminSecret = new secretsmanager.Secret(this, 'AdminPassword', {
      description: `Nexum ${settings.name}: initial password of user admin; change it after the first sign-in`,
      generateSecretString: {
        passwordLength: 32,
        requireEachIncludedType: true,
        excludeCharacters: '"\'\\`',
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.adminSecret.grantRead(this.seedFunction.function);
    this.seedFunction.function.addEnvironment('NEXUM_ADMIN_SECRET_ARN', this.adminSecret.secretArn);
    new CfnOutput(this, 'AdminPasswordSecret', {
      description: 'Secrets Manager secret with the initial password of user admin',
      value: this.adminSecret.secretName,
    });
    NagSuppressions.addResourceSuppressions(this.adminSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'A one-time bootstrap credential: the seed uses it once on an empty tenant, and the ' +
          'administrator replaces it with POST /auth/change-password. Rotating the secret would ' +
          'not change the password of the user it created.',
      },
    ]);
    new TenantSeed(this, 'TenantSeed', {
      seedFunction: this.seedFunction.function,
      logRetention: retention,
      revision: bundleHash(this.seedFunction),
    });

    new RateLimitFirewall(this, 'Firewall', {
      tenant: settings.name,
      requestsPerMinute: settings.rateLimit.requestsPerMinute,
      stageArn: this.api.stageArn,
      // WAF bodies are static, so there is no request id to give; WAF's logs identify the block.
      rateLimitedBody: problemJson(rateLimitedByFirewall, 'waf'),
    });

    // The groups' functions are watched in their own stacks; these are the parent's.
    this.alarms.watchFunction(this.alarms, 'seed', this.seedFunction.function);
    this.alarms.watchFunction(this.alarms, 'event-publisher', this.events.publisher.function);
    if (this.events.bridge !== undefined) {
      this.alarms.watchFunction(this.alarms, 'kafka-bridge', this.events.bridge.function);
    }
  }

  /** The function of an endpoint group. */
  functionOf(group: EndpointGroup): BankingFunction {
    const fn = this.functions.get(group);
    if (fn === undefined) throw new Error(`No function for endpoint group "${group}"`);
    return fn;
  }

  /** The nested stack of an endpoint group. */
  groupStackOf(group: EndpointGroup): EndpointGroupStack {
    const stack = this.groupStacks.get(group);
    if (stack === undefined) throw new Error(`No stack for endpoint group "${group}"`);
    return stack;
  }
}

/** The group whose function answers requests no route matches (404/405 problem+json). */
const fallbackGroup: EndpointGroup = 'system';

function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The content hash of a function's bundle: it changes exactly when the deployed code does. */
function bundleHash(fn: BankingFunction): string {
  const asset = fn.function.node.tryFindChild('Code');
  if (!(asset instanceof s3assets.Asset)) {
    throw new Error('NodejsFunction no longer exposes its code asset as "Code"');
  }
  return asset.assetHash;
}
