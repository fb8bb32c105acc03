import { App, CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { DataKeys } from '../../infra/constructs/data-keys';
import { LedgerTable } from '../../infra/constructs/ledger-table';
import { handlerEntry, lockFilePath, projectRoot } from '../../infra/project';
import { buildTenantApp, type TenantStacks } from '../../infra/tenant-app';
import { loadTenantSettings, type TenantSettings } from '../../infra/tenant-settings';
import { mainTable } from '../../shared/contracts/tables';

export interface SynthesizedTenant extends TenantStacks {
  readonly settings: TenantSettings;
  readonly dataTemplate: Template;
  /** The parent API stack's own template (not its nested stacks'). */
  readonly apiTemplate: Template;
  /** The API stack's nested stacks, in construct order. */
  readonly nestedStacks: readonly NestedStack[];
  /** The parent API stack and every nested stack, each with its template. */
  readonly apiTemplates: ReadonlyArray<{ readonly stack: Stack; readonly template: Template }>;
  /** The template of the stack (parent or nested) that holds `construct`. */
  readonly templateOf: (construct: IConstruct) => Template;
}

/**
 * Builds a shipped tenant in a fresh app, the way infra/app.ts does, and synthesises both
 * stacks and the API stack's nested stacks. NodejsFunction bundles with the local esbuild here, so
 * call it once per file.
 */
export function synthesizeTenant(
  name: string,
  prepare: (app: App) => void = () => undefined,
): SynthesizedTenant {
  const settings = loadTenantSettings(name);
  const app = new App();
  const stacks = buildTenantApp(settings, app);
  prepare(app);
  const apiTemplate = Template.fromStack(stacks.api);
  const nestedStacks = nestedStacksOf(stacks.api);
  const apiTemplates = [
    { stack: stacks.api as Stack, template: apiTemplate },
    ...nestedStacks.map((stack) => ({
      stack: stack,
      template: Template.fromStack(stack),
    })),
  ];
  return {
    ...stacks,
    settings,
    dataTemplate: Template.fromStack(stacks.data),
    apiTemplate,
    nestedStacks,
    apiTemplates,
    templateOf: (construct) => {
      const found = apiTemplates.find(({ stack }) => stack === Stack.of(construct));
      if (found === undefined) throw new Error(`${construct.node.path} is not in the API stack`);
      return found.template;
    },
  };
}

/** Every nested stack below `stack`, at any depth. */
export function nestedStacksOf(stack: Stack): NestedStack[] {
  return stack.node.findAll().filter((node): node is NestedStack => node instanceof NestedStack);
}

/** The logical id CloudFormation sees for a construct's default resource. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource as default child`);
  }
  return Stack.of(construct).getLogicalId(resource);
}

export type CfnResources = Record<
  string,
  {
    Type: string;
    Properties?: Record<string, unknown>;
    Metadata?: Record<string, unknown>;
    DeletionPolicy?: string;
    UpdateReplacePolicy?: string;
    DependsOn?: string[];
  }
>;

/** Resources of one type, keyed by logical id. */
export function resourcesOfType(template: Template, type: string): CfnResources {
  return template.findResources(type) as CfnResources;
}

/** A resource of one of the API templates, with the stack that holds it. */
export interface PlacedResource {
  readonly stack: Stack;
  readonly logicalId: string;
  readonly resource: CfnResources[string];
}

/** Resources of one type across the parent API stack and its nested stacks. */
export function apiResourcesOfType(tenant: SynthesizedTenant, type: string): PlacedResource[] {
  return tenant.apiTemplates.flatMap(({ stack, template }) =>
    Object.entries(resourcesOfType(template, type)).map(([logicalId, resource]) => ({
      stack,
      logicalId,
      resource,
    })),
  );
}

/**
 * Follows a value of `stack`'s template to where it comes from: a nested stack's parameter to
 * the value its parent passes, and a parent's `Fn::GetAtt` of a nested stack output to the output's
 * value in the nested template. Anything else is where it comes from already.
 */
export function originOf(
  tenant: SynthesizedTenant,
  stack: Stack,
  value: unknown,
): { readonly stack: Stack; readonly value: unknown } {
  const template = (s: Stack): Record<string, Record<string, unknown>> =>
    tenant.templateOf(s).toJSON();
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  if (
    typeof ref === 'string' &&
    stack instanceof NestedStack &&
    ref in (template(stack).Parameters ?? {})
  ) {
    const parent = stack.nestedStackParent;
    const resource = stack.nestedStackResource;
    if (parent === undefined || resource === undefined)
      throw new Error('A nested stack without parent');
    const nestedResource = resourcesOfType(tenant.templateOf(parent), 'AWS::CloudFormation::Stack')[
      parent.getLogicalId(resource)
    ];
    const parameters = nestedResource?.Properties?.Parameters as Record<string, unknown>;
    return originOf(tenant, parent, parameters[ref]);
  }
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[1] === 'string' && getAtt[1].startsWith('Outputs.')) {
    const nested = nestedStacksOf(stack).find(
      (candidate) =>
        candidate.nestedStackParent === stack &&
        candidate.nestedStackResource !== undefined &&
        stack.getLogicalId(candidate.nestedStackResource as CfnElement) === getAtt[0],
    );
    if (nested === undefined) throw new Error(`No nested stack ${String(getAtt[0])}`);
    const outputs = template(nested).Outputs as Record<string, { Value: unknown }>;
    const output = outputs[getAtt[1].slice('Outputs.'.length)];
    if (output === undefined) throw new Error(`No output ${getAtt[1]}`);
    return originOf(tenant, nested, output.Value);
  }
  return { stack, value };
}

/**
 * A stand-alone stack holding the demo tenant's data keys and main table, with the function
 * settings and code a construct beside them needs: the set-up of the constructs' own tests.
 */
export function demoDataStack(id: string) {
  const stack = new Stack(new App(), id, {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const keys = new DataKeys(stack, 'Keys', { tenant: 'demo' });
  const ledger = new LedgerTable(stack, 'MainTable', {
    tenant: 'demo',
    definition: mainTable,
    encryptionKey: keys.ledgerKey,
  });
  const settings = {
    tenant: 'demo',
    tableName: 'nexum-demo-main',
    version: '0.1.0',
    corsOrigins: ['https://demo.example'],
    baseCurrency: 'EUR',
    logRetentionDays: 30,
  };
  const code = { projectRoot, depsLockFilePath: lockFilePath, handlerEntry };
  return { stack, ledger, settings, code };
}
