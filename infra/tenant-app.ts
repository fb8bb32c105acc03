import { App, Tags, type Environment } from 'aws-cdk-lib';
import { handlerEntry, lockFilePath, packageVersion, projectRoot } from './project';
import { BankingApiStack } from './stacks/banking-api-stack';
import { EndOfDayStack } from './stacks/end-of-day-stack';
import { LedgerDataStack } from './stacks/ledger-data-stack';
import type { TenantSettings } from './tenant-settings';

const crossStackReferencesFlag = '@aws-cdk/core:defaultCrossStackReferences';

export interface TenantStacks {
  readonly app: App;
  readonly data: LedgerDataStack;
  readonly api: BankingApiStack;
  readonly endOfDay: EndOfDayStack;
}

/**
 * Adds one tenant's two stacks to `app`: `Nexum-<tenant>-Data` (stateful) and `Nexum-<tenant>-Api`
 * (stateless), tagged with the tenant so cost and ownership reports split per bank. The API stack
 * receives the data stack's constructs as typed props; CDK turns the references into exports.
 */
export function buildTenantApp(settings: TenantSettings, app: App = new App()): TenantStacks {
  // Strong references (Fn::ImportValue) are the protective choice for a stateful producer:
  // CloudFormation refuses to change or drop a data-stack export while the API stack uses it.
  // Context can only be set before the first stack exists; cdk.json may set it instead.
  if (
    app.node.tryGetContext(crossStackReferencesFlag) === undefined &&
    app.node.children.length === 0
  ) {
    app.node.setContext(crossStackReferencesFlag, 'strong');
  }
  // Without an account the stacks are environment-agnostic and go wherever the deployer's
  // credentials point; a production tenant pins both.
  const env: Environment | undefined =
    settings.account === undefined
      ? undefined
      : { account: settings.account, region: settings.region };
  const prefix = `Nexum-${settings.name}`;

  const data = new LedgerDataStack(app, `${prefix}-Data`, {
    ...(env === undefined ? {} : { env }),
    description: `Nexum ${settings.displayName}: ledger table, keys and event bus (stateful)`,
    tenant: settings.name,
  });
  const api = new BankingApiStack(app, `${prefix}-Api`, {
    ...(env === undefined ? {} : { env }),
    description: `Nexum ${settings.displayName}: REST API, functions and alarms (stateless)`,
    settings,
    version: packageVersion(),
    code: { projectRoot, depsLockFilePath: lockFilePath, handlerEntry },
    ledger: data.ledger,
    keys: data.keys,
    events: data.events,
  });

  const endOfDay = new EndOfDayStack(app, `${prefix}-EndOfDay`, {
    ...(env === undefined ? {} : { env }),
    description: `Nexum ${settings.displayName}: end-of-day schedule, state machine and function`,
    settings,
    version: packageVersion(),
    code: { projectRoot, depsLockFilePath: lockFilePath, handlerEntry },
    ledger: data.ledger,
  });

  for (const [stack, component] of [
    [data, 'data'],
    [api, 'api'],
    [endOfDay, 'batch'],
  ] as const) {
    Tags.of(stack).add('nexum:tenant', settings.name);
    Tags.of(stack).add('nexum:component', component);
  }
  return { app, data, api, endOfDay };
}
