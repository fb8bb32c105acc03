import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias in
 * infra/constructs/bundling-options.ts). Lambda hands the function role's credentials to the
 * process as environment variables, so the SDK's full default chain (profiles, SSO, web identity,
 * IMDS, with their nested clients: ~60 KiB minified) is weight every cold start would parse for
 * nothing. Tests and the local runtime are not bundled and keep the full chain.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
