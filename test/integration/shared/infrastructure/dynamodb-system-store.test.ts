import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedSystem } from '../../../../shared/application/seed-system';
import { DynamoDbSystemStore } from '../../../../shared/infrastructure/dynamodb/dynamodb-system-store';
import { freshTable, type TestTable } from '../../../support/dynamodb';

const settings = { tenant: 'test', version: '0.0.0', baseCurrency: 'USD' };
const clockAt = (iso: string) => ({ now: () => new Date(iso) });

describe('seeding the system marker', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await freshTable('seed');
  });
  afterAll(async () => table.drop());

  it('writes the marker once; later seeds find it unchanged, even when racing', async () => {
    const system = new DynamoDbSystemStore(table.client, table.tableName);
    expect(await system.readMarker()).toBeUndefined();

    const seeds = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        seedSystem({ system, settings, clock: clockAt(`2026-01-01T00:00:0${index}.000Z`) }),
      ),
    );

    expect(seeds.filter((seed) => seed.created)).toHaveLength(1);
    const winner = seeds.find((seed) => seed.created)?.marker;
    for (const seed of seeds) expect(seed.marker).toEqual(winner);
    expect(await system.readMarker()).toEqual({
      tenant: 'test',
      schemaVersion: 1,
      initializedAt: winner?.initializedAt,
    });
  });
});
