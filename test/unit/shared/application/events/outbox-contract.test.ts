import { describe, expect, it } from '@jest/globals';
import {
  EventContractError,
  outboxContract,
} from '../../../../../shared/application/events/outbox-contract';
import type { WriteOp } from '../../../../../shared/application/ledger/records';
import { createLogger } from '../../../../../shared/observability/logger';

const event = (type: string, data: Record<string, unknown>): WriteOp => ({
  kind: 'putEvent',
  event: {
    id: '01JD0000000000000000000001',
    type,
    aggregateType: 'customer',
    aggregateId: 'c1',
    sequence: 1,
    occurredAt: '2026-11-26T10:00:00.000Z',
    data,
  },
});
const good = event('nexum.customer.created', { customerId: 'c1', kycStatus: 'PENDING' });
const leaky = event('nexum.customer.created', {
  customerId: 'c1',
  kycStatus: 'PENDING',
  firstName: 'Ada',
});

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }) };
}

describe('the outbox contract (every commit passes it)', () => {
  it('lets catalogued events and other writes through in both modes', () => {
    const { lines, logger } = recordingLogger();
    for (const mode of ['strict', 'log'] as const) {
      expect(() => {
        outboxContract(
          mode,
          logger,
        )([good, { kind: 'registerChain', chainId: 'X', entityType: 'X', entityId: 'x' }]);
      }).not.toThrow();
    }
    expect(lines).toEqual([]);
  });

  it('strict: a producer bug throws, naming the type and the broken path', () => {
    const { logger } = recordingLogger();
    const check = outboxContract('strict', logger);

    expect(() => {
      check([good, leaky]);
    }).toThrow(EventContractError);
    expect(() => {
      check([leaky]);
    }).toThrow(/nexum\.customer\.created.*Unrecognized key.*firstName/);
    expect(() => {
      check([event('nexum.customer.renamed', { customerId: 'c1' })]);
    }).toThrow(/not in the event catalogue/);
  });

  it('log: the commit goes ahead; the error names the event, never the values', () => {
    const { lines, logger } = recordingLogger();

    expect(() => {
      outboxContract('log', logger)([leaky]);
    }).not.toThrow();

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'error',
      eventId: '01JD0000000000000000000001',
      type: 'nexum.customer.created',
      problems: [expect.stringContaining('firstName')],
    });
    expect(lines[0]).not.toContain('Ada');
  });
});
