import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type BastionMode =
  | {
      readonly kind: 'answer';
      readonly action: string;
      readonly score: number;
      readonly reasons: string[];
    }
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'garbage'; readonly body: string }
  | { readonly kind: 'slow'; readonly delayMs: number };

export interface ScoreCall {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** A real HTTP Bastion on a random local port whose answer the test sets. */
export interface FakeBastion {
  readonly url: string;
  readonly calls: ScoreCall[];
  mode: BastionMode;
  close(): Promise<void>;
}

export async function startFakeBastion(): Promise<FakeBastion> {
  const calls: ScoreCall[] = [];
  const state: { mode: BastionMode } = {
    mode: { kind: 'answer', action: 'APPROVE', score: 0.1, reasons: [] },
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      calls.push({ headers: request.headers, body });
      const mode = state.mode;
      const send = (status: number, text: string) => {
        response.writeHead(status, { 'Content-Type': 'application/json' });
        response.end(text);
      };
      switch (mode.kind) {
        case 'answer':
          send(
            200,
            JSON.stringify({ risk_score: mode.score, action: mode.action, reasons: mode.reasons }),
          );
          return;
        case 'status':
          send(mode.status, '{"error":"boom"}');
          return;
        case 'garbage':
          send(200, mode.body);
          return;
        case 'slow':
          setTimeout(() => {
            if (!response.destroyed) {
              send(200, JSON.stringify({ risk_score: 0.1, action: 'APPROVE', reasons: [] }));
            }
          }, mode.delayMs);
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get mode() {
      return state.mode;
    },
    set mode(mode: BastionMode) {
      state.mode = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
