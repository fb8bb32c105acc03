import { describe, expect, it } from '@jest/globals';
import { REDACTED, createLogger, redact } from '../../../../shared/observability/logger';
import { capturedLogger } from '../../../support/log-capture';

describe('the logger', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const { logger, entries } = capturedLogger();

    logger.child({ service: 'nexum' }).info('request', { status: 200 });

    expect(entries()).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        message: 'request',
        service: 'nexum',
        status: 200,
      },
    ]);
  });

  it('redacts personal data and secrets at any depth, whatever the key case', () => {
    const cleaned = redact({
      customer: { FirstName: 'Jane', email: 'jane@example.com', address: { line1: '1 Road' } },
      headers: { Authorization: 'Bearer abc' },
      items: [{ nationalId: '123' }],
      amount: '10.00',
    });

    expect(cleaned).toEqual({
      customer: { FirstName: REDACTED, email: REDACTED, address: REDACTED },
      headers: { Authorization: REDACTED },
      items: [{ nationalId: REDACTED }],
      amount: '10.00',
    });
  });

  it('keeps an error chain but not the data attached to its causes', () => {
    const { logger, lines } = capturedLogger();
    const cause = Object.assign(new Error('parse failed'), { data: 'secret body' });

    logger.error('failed', { error: new Error('outer', { cause }) });

    expect(lines[0]).toContain('parse failed');
    expect(lines[0]).not.toContain('secret body');
  });

  it('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', sink: (line) => lines.push(line) });

    logger.info('dropped');
    logger.warn('kept');

    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual([
      'kept',
    ]);
  });
});
