import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/** The repository root: the esbuild working directory and where package-lock.json lives. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The lock file that pins what gets bundled; NodejsFunction hashes it into the asset. */
export const lockFilePath = join(projectRoot, 'package-lock.json');

/** The Lambda entry point of a function folder: `functions/<name>/handler.ts`. */
export const handlerEntry = (name: string): string =>
  join(projectRoot, 'functions', name, 'handler.ts');

/** The version in package.json, reported by /health as NEXUM_VERSION. */
export function packageVersion(): string {
  const manifest = z
    .object({ version: z.string().min(1) })
    .parse(JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')));
  return manifest.version;
}
