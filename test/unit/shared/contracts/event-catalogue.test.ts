import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  catalogueJsonSchemas,
  eventCatalogue,
  eventTypes,
  isCatalogued,
  piiFieldNames,
} from '../../../../shared/contracts/events/catalogue';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every `nexum.<aggregate>.<verb>` literal in the producing code (the catalogue itself excluded). */
function emittedTypes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [
    ...sourceFiles(join(root, 'shared')),
    ...sourceFiles(join(root, 'functions')),
  ]) {
    const path = relative(root, file);
    if (path.startsWith('shared/contracts/')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/['"`](nexum\.[a-z_]+\.[a-z_]+)['"`]/g)) {
      const type = match[1] as string;
      found.set(type, [...(found.get(type) ?? []), path]);
    }
  }
  return found;
}

/** Property names declared anywhere in a JSON Schema. */
function propertyNames(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const own =
    node.properties !== undefined && typeof node.properties === 'object'
      ? Object.keys(node.properties as object)
      : [];
  return [...own, ...Object.values(node).flatMap(propertyNames)];
}

describe('the event catalogue', () => {
  it('catalogues every event type the code emits, and emits every catalogued type', () => {
    const emitted = emittedTypes();
    // The producers are found: the scan is not vacuous.
    expect(emitted.get('nexum.transaction.posted')).toEqual([
      'shared/application/ledger/build-posting.ts',
    ]);
    const uncatalogued = [...emitted.keys()].filter((type) => !isCatalogued(type));
    expect(uncatalogued).toEqual([]);
    expect(eventTypes.filter((type) => !emitted.has(type))).toEqual([]);
  });

  it('names types nexum.<aggregate>.<past-tense-verb> and matches the declared aggregate', () => {
    for (const type of eventTypes) {
      expect(type).toMatch(/^nexum\.[a-z_]+\.[a-z_]+(ed|en)$/);
      expect(type.split('.')[1]).toBe(eventCatalogue[type].aggregate);
    }
  });

  it('declares no personal-data field in any data schema', () => {
    for (const entry of catalogueJsonSchemas()) {
      const names = propertyNames(entry.dataSchema);
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((name) => (piiFieldNames as readonly string[]).includes(name))).toEqual(
        [],
      );
    }
  });

  it('generates a JSON Schema per type that refuses unknown (possibly personal) fields', () => {
    const schemas = catalogueJsonSchemas();
    expect(schemas.map((entry) => entry.type)).toEqual(eventTypes);
    const posted = schemas.find((entry) => entry.type === 'nexum.transaction.posted');
    expect(posted?.dataSchema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['transactionId', 'amount', 'currency']),
    });
    const created = eventCatalogue['nexum.customer.created'].data;
    expect(created.safeParse({ customerId: 'c1', kycStatus: 'PENDING' }).success).toBe(true);
    expect(
      created.safeParse({ customerId: 'c1', kycStatus: 'PENDING', email: 'a@b.example' }).success,
    ).toBe(false);
  });
});
