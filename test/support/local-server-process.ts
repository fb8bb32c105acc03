import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../shared/local/dynamodb-local';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  readonly banner: string;
  /** The pid of the DynamoDB Local JVM, read from the banner. */
  readonly dynamoPid: number;
  /** Sends Ctrl-C (SIGINT) and waits for the process to exit; resolves its exit code. */
  interrupt(): Promise<number | null>;
}

/** Starts the local runtime exactly as `npm start` does (same entry point) and waits for it. */
export async function startLocalServer(
  dataDir: string,
  options: { readonly timeoutMs?: number; readonly env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'shared/local/start.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NEXUM_PORT: String(port),
      NEXUM_DATA_DIR: dataDir,
      NODE_OPTIONS: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const deadline = Date.now() + timeoutMs;
  while (!output.includes('Ctrl-C stops')) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`npm start did not come up in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
  const dynamoPid = Number(/DynamoDB Local, pid (\d+)/.exec(output)?.[1]);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    banner: output,
    dynamoPid,
    interrupt: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

/** Whether a process is still alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
