/**
 * Cold-start budget per Lambda: bundles every function exactly as CDK does (same esbuild options,
 * infra/constructs/bundling-options.ts), then reports the bundle size and how long a fresh Node
 * process takes to import it, which is the part of a cold start the code controls.
 *
 *   npm run bench:cold
 *
 * Exits 1 when a bundle is over budget, and then prints what dominates it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeMetafile, build, type Metafile } from 'esbuild';
import { functionBundling } from '../../infra/constructs/bundling-options';
import { handlerEntry, projectRoot } from '../../infra/project';
import { endpointGroups } from '../../shared/contracts/groups';

/** The report goes to stdout; this is a command-line tool, not library code. */
function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

const budget = { sizeKiB: 300, importMs: 150 } as const;
const runs = 5;
const benchDirectory = join(projectRoot, '.bench');

// The same variables the function's composition root parses at import time; nothing is called.
const functionEnvironment = {
  NEXUM_TENANT: 'bench',
  NEXUM_TABLE_NAME: 'bench-main',
  AWS_REGION: 'us-east-1',
};

interface Measurement {
  readonly name: string;
  readonly sizeKiB: number;
  readonly importMs: number;
  readonly importWithSourceMapsMs: number;
  readonly metafile: Metafile;
}

async function bundle(name: string): Promise<{ file: string; metafile: Metafile }> {
  const outdir = join(benchDirectory, name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const file = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [handlerEntry(name)],
    outfile: file,
    bundle: true,
    absWorkingDir: projectRoot,
    format: functionBundling.format,
    platform: functionBundling.platform,
    target: functionBundling.target,
    minify: functionBundling.minify,
    sourcemap: functionBundling.sourcemap,
    mainFields: [...functionBundling.mainFields],
    banner: { js: functionBundling.banner },
    alias: { ...functionBundling.alias },
    metafile: true,
    logLevel: 'error',
  });
  return { file, metafile: result.metafile };
}

/** Milliseconds one fresh `node` takes to import `file`, as printed by the child itself. */
function importOnce(file: string, nodeOptions: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', ...functionEnvironment, NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const value = Number(stdout.trim().split('\n').at(-1));
      if (code !== 0 || !Number.isFinite(value)) {
        reject(new Error(`Importing ${file} failed (exit ${code}): ${stderr.trim()}`));
      } else {
        resolve(value);
      }
    });
  });
}

async function medianImportMs(file: string, nodeOptions: string): Promise<number> {
  const samples: number[] = [];
  // Sequential on purpose: parallel processes would compete for the CPU and inflate each other.
  for (let run = 0; run < runs; run += 1) samples.push(await importOnce(file, nodeOptions));
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

async function measure(name: string): Promise<Measurement> {
  const { file, metafile } = await bundle(name);
  return {
    name,
    sizeKiB: statSync(file).size / 1024,
    importMs: await medianImportMs(file, ''),
    // Lambda runs with NODE_OPTIONS=--enable-source-maps (BankingFunction), shown for reference.
    importWithSourceMapsMs: await medianImportMs(file, '--enable-source-maps'),
    metafile,
  };
}

function passes(m: Measurement): boolean {
  return m.sizeKiB <= budget.sizeKiB && m.importMs <= budget.importMs;
}

function printTable(measurements: readonly Measurement[]): void {
  const header = ['function', 'size KiB', 'import ms', 'with source maps ms', 'result'];
  const rows = measurements.map((m) => [
    m.name,
    m.sizeKiB.toFixed(1),
    m.importMs.toFixed(1),
    m.importWithSourceMapsMs.toFixed(1),
    passes(m) ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  print(
    `Budget: <= ${budget.sizeKiB} KiB and <= ${budget.importMs} ms import (median of ${runs}, Node ${process.version})`,
  );
  print(line(header));
  print(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) print(line(row));
}

/** The biggest packages in a bundle, by bytes of output. */
function largestPackages(metafile: Metafile, count: number): Array<[string, number]> {
  const bytesByPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = match?.[1] ?? input.split('/').slice(0, 2).join('/');
      bytesByPackage.set(key, (bytesByPackage.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...bytesByPackage].sort((a, b) => b[1] - a[1]).slice(0, count);
}

async function main(): Promise<void> {
  const names = [...endpointGroups, 'seed'];
  const measurements: Measurement[] = [];
  for (const name of names) measurements.push(await measure(name));
  printTable(measurements);

  const failures = measurements.filter((m) => !passes(m));
  for (const m of failures) {
    print(`\n${m.name}: largest packages in the bundle`);
    for (const [pkg, bytes] of largestPackages(m.metafile, 12)) {
      print(`  ${(bytes / 1024).toFixed(1).padStart(8)} KiB  ${pkg}`);
    }
    print(`\n${m.name}: largest input files`);
    print(await analyzeMetafile(m.metafile, { verbose: false }).then(firstLines(14)));
    const hint = zodLocalesHint(m.metafile);
    if (hint !== undefined) print(`\n${m.name}: ${hint}`);
  }
  if (failures.length > 0) process.exitCode = 1;
}

/**
 * zod's `z` is a re-exported namespace that includes every locale; esbuild keeps the whole
 * namespace alive for `import { z } from 'zod'`, but not for `import * as z from 'zod'`.
 */
function zodLocalesHint(metafile: Metafile): string | undefined {
  let bytes = 0;
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (/zod\/v4\/locales\/(?!en\.js|index\.js)/.test(input)) bytes += bytesInOutput;
    }
  }
  if (bytes < 10 * 1024) return undefined;
  return (
    `${(bytes / 1024).toFixed(1)} KiB are zod's non-English locales. Some module imports ` +
    "`{ z } from 'zod'`; esbuild cannot tree-shake that namespace. `import * as z from 'zod'` " +
    'in every bundled module drops them.'
  );
}

const firstLines =
  (count: number) =>
  (text: string): string =>
    text.split('\n').slice(0, count).join('\n');

await main();
