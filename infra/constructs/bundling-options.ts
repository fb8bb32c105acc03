/**
 * The esbuild settings of every Lambda bundle, in one place: `BankingFunction` hands them to CDK's
 * NodejsFunction and `npm run bench:cold` bundles with exactly the same ones, so the benchmark
 * measures what is deployed.
 */
export const functionBundling = {
  format: 'esm',
  platform: 'node',
  // The Lambda runtime (nodejs22.x); esbuild keeps syntax that Node 22 runs natively.
  target: 'node22',
  minify: true,
  // External .map files: the function starts with --enable-source-maps, so stack traces in the
  // logs point at TypeScript lines without shipping the map inside the .mjs that Lambda loads.
  sourcemap: true,
  // Prefer ES module entry points so esbuild can tree-shake dependencies that ship both.
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require() for Node built-ins; an ES module has no require,
  // so the bundle defines one.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // Lambda gives credentials as environment variables: the SDK's full default provider chain is
  // swapped for an environment-only provider (shared/infrastructure/aws/lambda-credential-provider.ts).
  // esbuild resolves alias targets from the project root.
  alias: {
    '@aws-sdk/credential-provider-node':
      './shared/infrastructure/aws/lambda-credential-provider.ts',
  },
} as const;

export type FunctionBundling = typeof functionBundling;
