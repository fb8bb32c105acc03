import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildTenantApp } from './tenant-app';
import { loadTenantSettings } from './tenant-settings';

// One tenant per synth: `npx cdk synth -c tenant=acme-credit-union`; cdk.json defaults to demo.
const app = new App();
const tenant: unknown = app.node.tryGetContext('tenant') ?? 'demo';
if (typeof tenant !== 'string') throw new Error('The "tenant" context value must be a string');

buildTenantApp(loadTenantSettings(tenant), app);

// Every synth is checked against the AWS Solutions rules; an unsuppressed finding fails it.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
