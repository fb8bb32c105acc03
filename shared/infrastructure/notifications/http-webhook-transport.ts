import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HttpPostResult, WebhookTransport } from '../../application/notifications/ports';

/** Each webhook POST gives up after this long (counted as a failed try). */
export const WEBHOOK_TIMEOUT_MS = 5_000;

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Private, loopback, link-local (cloud metadata), CGNAT, multicast and unspecified ranges. */
export function isPrivateAddress(address: string): boolean {
  const mapped = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(mapped) === 4) {
    const [a = 0, b = 0] = mapped.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const v6 = mapped.toLowerCase();
  return (
    v6 === '::' ||
    v6 === '::1' ||
    v6.startsWith('fc') ||
    v6.startsWith('fd') ||
    v6.startsWith('fe8') ||
    v6.startsWith('fe9') ||
    v6.startsWith('fea') ||
    v6.startsWith('feb') ||
    v6.startsWith('ff')
  );
}

/**
 * Webhook POSTs with `fetch`: a 5 s timeout, no redirects followed (a 3xx is a failed try, so a
 * redirect cannot lead to an internal address), and the SSRF rules checked on registration and
 * again before every POST (DNS can change between the two): https only, except http://localhost
 * in local mode; in AWS no private, loopback or link-local address.
 */
export class HttpWebhookTransport implements WebhookTransport {
  constructor(
    private readonly options: { readonly allowLocalhost: boolean; readonly timeoutMs?: number },
  ) {}

  async check(url: string): Promise<string | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (parsed.username !== '' || parsed.password !== '') return 'credentials in the URL';
    const host = parsed.hostname;
    const local = localHosts.has(host);
    if (this.options.allowLocalhost && local) {
      return parsed.protocol === 'http:' || parsed.protocol === 'https:'
        ? undefined
        : 'http or https only';
    }
    if (parsed.protocol !== 'https:') return 'https only';
    if (local) return 'a private address';
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    if (isIP(bare) !== 0) return isPrivateAddress(bare) ? 'a private address' : undefined;
    try {
      const addresses = await lookup(bare, { all: true });
      if (addresses.some((entry) => isPrivateAddress(entry.address))) return 'a private address';
    } catch {
      return 'the host does not resolve';
    }
    return undefined;
  }

  async post(
    url: string,
    body: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<HttpPostResult> {
    const startedAt = Date.now();
    const refused = await this.check(url);
    if (refused !== undefined) {
      return { status: undefined, error: `refused: ${refused}`, latencyMs: 0 };
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined); // Drain; the body is not kept.
      return { status: response.status, error: undefined, latencyMs: Date.now() - startedAt };
    } catch (error) {
      // Duck-typed: the abort reason is a DOMException, not always an Error of this realm.
      const name =
        error !== null && typeof error === 'object' && 'name' in error ? String(error.name) : '';
      return {
        status: undefined,
        error: name === 'TimeoutError' ? 'timeout' : 'connection failed',
        latencyMs: Date.now() - startedAt,
      };
    }
  }
}
