import { describe, expect, it } from '@jest/globals';
import {
  backoffMs,
  channelsFor,
  quietDelayMs,
  renderTemplate,
  type NotificationPreferences,
} from '../../../../shared/domain/notifications';

const preferences = (changes: Partial<NotificationPreferences> = {}): NotificationPreferences => ({
  customerId: 'C1',
  channels: {},
  optOutChannels: [],
  optOutTypes: [],
  quietHours: undefined,
  language: undefined,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...changes,
});

describe('notification rules', () => {
  it('renders {{variables}} and reports missing ones instead of rendering blanks', () => {
    expect(
      renderTemplate('Hi {{ name }}, {{amount}} {{amount}}', { name: 'A', amount: '1.00' }),
    ).toEqual({
      ok: true,
      text: 'Hi A, 1.00 1.00',
    });
    expect(renderTemplate('{{a}} {{b}}', { a: 'x' })).toEqual({ ok: false, missing: ['b'] });
  });

  it('chooses channels: request, preference, default; minus opt-outs', () => {
    expect(channelsFor('transaction_alert', undefined, undefined)).toEqual(['EMAIL', 'IN_APP']);
    expect(channelsFor('x_type', undefined, undefined)).toEqual(['EMAIL', 'IN_APP']);
    expect(
      channelsFor(
        'transaction_alert',
        undefined,
        preferences({ channels: { transaction_alert: ['SMS'] } }),
      ),
    ).toEqual(['SMS']);
    expect(
      channelsFor('transaction_alert', ['EMAIL', 'SMS'], preferences({ optOutChannels: ['SMS'] })),
    ).toEqual(['EMAIL']);
    expect(
      channelsFor(
        'transaction_alert',
        ['EMAIL'],
        preferences({ optOutTypes: ['transaction_alert'] }),
      ),
    ).toEqual([]);
  });

  it('defers inside quiet hours, across midnight too, but never CRITICAL', () => {
    const night = { start: '22:00', end: '07:00' };
    const hours = (h: number) => h * 3_600_000;
    expect(quietDelayMs('2026-03-01T23:30:00.000Z', night, 'MEDIUM')).toBe(hours(7.5));
    expect(quietDelayMs('2026-03-02T03:00:10.500Z', night, 'MEDIUM')).toBe(hours(4) - 10_500);
    expect(quietDelayMs('2026-03-02T12:00:00.000Z', night, 'MEDIUM')).toBe(0);
    expect(quietDelayMs('2026-03-01T23:30:00.000Z', night, 'CRITICAL')).toBe(0);
    const lunch = { start: '12:00', end: '13:00' };
    expect(quietDelayMs('2026-03-02T12:15:00.000Z', lunch, 'LOW')).toBe(hours(0.75));
    expect(quietDelayMs('2026-03-02T13:00:00.000Z', lunch, 'LOW')).toBe(0);
  });

  it('backs off exponentially up to a cap', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, 1_000))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
    expect(backoffMs(40)).toBe(3_600_000);
  });
});
