import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildTenantApp, type TenantStacks } from '../../infra/tenant-app';
import { loadTenantSettings, type TenantSettings } from '../../infra/tenant-settings';

export interface SynthesizedTenant extends TenantStacks {
  readonly settings: TenantSettings;
  readonly dataTemplate: Template;
  readonly apiTemplate: Template;
}

/**
 * Builds a shipped tenant in a fresh app, the way infra/app.ts does, and synthesises both
 * stacks. NodejsFunction bundles with the local esbuild here, so call it once per file.
 */
export function synthesizeTenant(
  name: string,
  prepare: (app: App) => void = () => undefined,
): SynthesizedTenant {
  const settings = loadTenantSettings(name);
  const app = new App();
  const stacks = buildTenantApp(settings, app);
  prepare(app);
  return {
    ...stacks,
    settings,
    dataTemplate: Template.fromStack(stacks.data),
    apiTemplate: Template.fromStack(stacks.api),
  };
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
  }
>;

/** Resources of one type, keyed by logical id. */
export function resourcesOfType(template: Template, type: string): CfnResources {
  return template.findResources(type) as CfnResources;
}
