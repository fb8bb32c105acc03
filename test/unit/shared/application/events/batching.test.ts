import { describe, expect, it } from '@jest/globals';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { splitIntoBatches } from '../../../../../shared/application/events/publisher';
import { inDeliveryOrder } from '../../../../../shared/application/events/cloud-events';
import type { CloudEvent } from '../../../../../shared/contracts/events/cloud-event';
import {
  EventBridgeBus,
  EVENTBRIDGE_MAX_BATCH_BYTES,
} from '../../../../../shared/infrastructure/events/eventbridge-bus';

const bus = new EventBridgeBus(new EventBridgeClient({ region: 'us-east-1' }), 'nexum-demo');

const event = (id: string, padding = 0): CloudEvent => ({
  specversion: '1.0',
  id,
  source: 'nexum/demo',
  type: 'nexum.transaction.posted',
  subject: `transaction/${id}`,
  time: '2026-01-01T00:00:00.000Z',
  datacontenttype: 'application/json',
  sequence: '1',
  data: { note: 'x'.repeat(padding) },
});

describe('PutEvents batching', () => {
  it('counts an entry as EventBridge does: 14 + Source + DetailType + Detail bytes', () => {
    const e = event('01A');
    expect(bus.entrySize(e)).toBe(
      14 + 'nexum/demo'.length + 'nexum.transaction.posted'.length + JSON.stringify(e).length,
    );
  });

  it('splits at 10 entries, keeping order', () => {
    const events = Array.from({ length: 23 }, (_, i) => event(`E${String(i).padStart(2, '0')}`));
    const { batches, oversized } = splitIntoBatches(events, bus);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batches.flat().map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(oversized).toEqual([]);
  });

  it('splits at 256 KB, and sets apart an entry that no batch can carry', () => {
    const big = 100 * 1024; // three of these exceed 256 KB
    const events = [
      event('A', big),
      event('B', big),
      event('C', big),
      event('D', 10),
      event('HUGE', EVENTBRIDGE_MAX_BATCH_BYTES),
    ];
    const { batches, oversized } = splitIntoBatches(events, bus);
    expect(batches.map((b) => b.map((e) => e.id))).toEqual([
      ['A', 'B'],
      ['C', 'D'],
    ]);
    for (const batch of batches) {
      expect(batch.reduce((sum, e) => sum + bus.entrySize(e), 0)).toBeLessThanOrEqual(
        EVENTBRIDGE_MAX_BATCH_BYTES,
      );
    }
    expect(oversized.map((e) => e.id)).toEqual(['HUGE']);
  });

  it('orders delivery by id, and by sequence within one aggregate', () => {
    const outbox = (id: string, aggregateId: string, sequence: number) => ({
      id,
      type: 'nexum.account.frozen',
      aggregateType: 'account',
      aggregateId,
      sequence,
      occurredAt: '2026-01-01T00:00:00.000Z',
      data: {},
    });
    const ordered = inDeliveryOrder([
      outbox('03', 'A', 1),
      outbox('01', 'A', 3),
      outbox('02', 'B', 1),
      outbox('04', 'A', 2),
    ]);
    expect(ordered.map((e) => `${e.aggregateId}${e.sequence}`)).toEqual(['A1', 'B1', 'A2', 'A3']);
  });
});
