import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { endpointGroups, type EndpointGroup } from '../../shared/contracts/groups';
import { routeList } from '../../shared/contracts/routes/index';
import { BankingApi } from '../constructs/banking-api';
import { BankingFunction, type FunctionSettings } from '../constructs/banking-function';
import { problemJson, rateLimitedByFirewall } from '../constructs/gateway-problems';
import { retentionOf } from '../constructs/log-retention';
import type { DataKeys } from '../constructs/data-keys';
import type { DomainEventBus } from '../constructs/domain-event-bus';
import type { LedgerTable } from '../constructs/ledger-table';
import { OperationalAlarms } from '../constructs/operational-alarms';
import { RateLimitFirewall } from '../constructs/rate-limit-firewall';
import { TenantSeed } from '../constructs/tenant-seed';
import type { TenantSettings } from '../tenant-settings';
import { wiringOf } from './group-wiring';

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
 */
export class BankingApiStack extends Stack {
  readonly functions = new Map<EndpointGroup, BankingFunction>();
  readonly seedFunction: BankingFunction;
  readonly api: BankingApi;

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

    for (const group of endpointGroups) {
      const wiring = wiringOf(group);
      const fn = new BankingFunction(this, `${pascalCase(group)}Function`, {
        entry: props.code.handlerEntry(group),
        projectRoot: props.code.projectRoot,
        depsLockFilePath: props.code.depsLockFilePath,
        description: wiring.description,
        settings: functionSettings,
        environment: wiring.environment(props),
        ...(wiring.afterBundling === undefined ? {} : { afterBundling: wiring.afterBundling }),
      });
      wiring.grant(fn, props);
      this.functions.set(group, fn);
    }

    this.seedFunction = new BankingFunction(this, 'SeedFunction', {
      entry: props.code.handlerEntry('seed'),
      projectRoot: props.code.projectRoot,
      depsLockFilePath: props.code.depsLockFilePath,
      description: 'Nexum tenant seed (CloudFormation custom resource)',
      settings: functionSettings,
    });
    props.ledger.grantCreateItems(this.seedFunction);
    new TenantSeed(this, 'TenantSeed', {
      seedFunction: this.seedFunction.function,
      logRetention: retention,
      revision: bundleHash(this.seedFunction),
    });

    this.api = new BankingApi(this, 'Api', {
      tenant: settings.name,
      routes: routeList(),
      handlerOf: (group) => this.functionOf(group).function,
      fallbackGroup: 'system',
      corsOrigins: settings.corsOrigins,
      throttling: settings.rateLimit,
      accessLogRetention: retention,
    });

    new RateLimitFirewall(this, 'Firewall', {
      tenant: settings.name,
      requestsPerMinute: settings.rateLimit.requestsPerMinute,
      stageArn: this.api.stageArn,
      // WAF bodies are static, so there is no request id to give; WAF's logs identify the block.
      rateLimitedBody: problemJson(rateLimitedByFirewall, 'waf'),
    });

    const watched = new Map<string, lambda.IFunction>(
      [...this.functions].map(([group, fn]) => [group, fn.function]),
    );
    watched.set('seed', this.seedFunction.function);
    new OperationalAlarms(this, 'Alarms', {
      tenant: settings.name,
      alarmEmail: settings.alarmEmail,
      api: this.api.api,
      functions: watched,
    });
  }

  /** The function of an endpoint group. */
  functionOf(group: EndpointGroup): BankingFunction {
    const fn = this.functions.get(group);
    if (fn === undefined) throw new Error(`No function for endpoint group "${group}"`);
    return fn;
  }
}

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
