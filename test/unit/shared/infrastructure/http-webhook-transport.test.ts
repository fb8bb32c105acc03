import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HttpWebhookTransport,
  isPrivateAddress,
} from '../../../../shared/infrastructure/notifications/http-webhook-transport';

describe('webhook SSRF rules', () => {
  it.each([
    '10.1.2.3',
    '127.0.0.1',
    '169.254.169.254',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
  ])('%s is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '52.94.236.248', '2600:1f18::1'])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('in AWS refuses http, localhost and literal private addresses', async () => {
    const aws = new HttpWebhookTransport({ allowLocalhost: false });
    expect(await aws.check('http://example.com/hook')).toBe('https only');
    expect(await aws.check('https://localhost/hook')).toBe('a private address');
    expect(await aws.check('https://169.254.169.254/latest/meta-data')).toBe('a private address');
    expect(await aws.check('https://[fd00::1]/hook')).toBe('a private address');
    expect(await aws.check('https://10.0.0.5/hook')).toBe('a private address');
    expect(await aws.check('https://8.8.8.8/hook')).toBeUndefined();
  });

  it('locally allows http://localhost only', async () => {
    const local = new HttpWebhookTransport({ allowLocalhost: true });
    expect(await local.check('http://localhost:8080/hook')).toBeUndefined();
    expect(await local.check('http://127.0.0.1:8080/hook')).toBeUndefined();
    expect(await local.check('http://example.com/hook')).toBe('https only');
  });

  it('gives up on a slow receiver at the timeout and follows no redirect', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/slow') {
        setTimeout(() => response.end('late'), 1_000);
        return;
      }
      response.writeHead(302, { Location: 'http://169.254.169.254/' });
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const transport = new HttpWebhookTransport({ allowLocalhost: true, timeoutMs: 200 });
    try {
      const slow = await transport.post(`http://localhost:${port}/slow`, '{}', {});
      expect(slow).toMatchObject({ status: undefined, error: 'timeout' });
      expect(slow.latencyMs).toBeLessThan(800);
      const redirected = await transport.post(`http://localhost:${port}/redirect`, '{}', {});
      expect(redirected.status).toBe(302); // Not 2xx: a failed try, the redirect not followed.
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
