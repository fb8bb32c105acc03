import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { iso4217MinorUnits } from '../../../../shared/domain/iso-4217';

/**
 * The minor units of ISO 4217 list one, as the maintenance agency publishes it (the copy inside
 * the `currency-codes` package). An entry without a numeric CcyMnrUnts ("N.A.": gold, SDR, test
 * codes) or without a currency at all (Antarctica) is not money we book.
 */
function officialMinorUnits(): { published: string; units: Record<string, number> } {
  const path = createRequire(import.meta.url).resolve('currency-codes/iso-4217-list-one.xml');
  const xml = readFileSync(path, 'utf8');
  const published = /<ISO_4217 Pblshd="([^"]+)"/.exec(xml)?.[1] ?? 'unknown';
  const units: Record<string, number> = {};
  for (const [, entry = ''] of xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)) {
    const code = /<Ccy>([A-Z]{3})<\/Ccy>/.exec(entry)?.[1];
    const minor = /<CcyMnrUnts>([^<]*)<\/CcyMnrUnts>/.exec(entry)?.[1];
    if (code === undefined || minor === undefined || !/^\d+$/.test(minor)) continue;
    const previous = units[code];
    if (previous !== undefined && previous !== Number(minor)) {
      throw new Error(`${code} has two minor units in the official list: ${previous} and ${minor}`);
    }
    units[code] = Number(minor);
  }
  return { published, units };
}

describe('the ISO 4217 minor-unit table', () => {
  it('equals the minor units of the official list one, entry for entry', () => {
    const official = officialMinorUnits();

    expect(Object.keys(official.units).length).toBeGreaterThan(150);
    expect({ ...iso4217MinorUnits }).toEqual(official.units);
  });

  it('is sorted by code, so a drift shows as a one-line diff', () => {
    const codes = Object.keys(iso4217MinorUnits);

    expect(codes).toEqual([...codes].sort());
  });

  it('names the publication date of the list it was taken from', () => {
    const source = readFileSync(
      new URL('../../../../shared/domain/iso-4217.ts', import.meta.url),
      'utf8',
    );
    const prose = source.replace(/\s*\n\s*\*?\s*/g, ' '); // The TSDoc comment, unwrapped.

    expect(prose).toContain(`dated ${officialMinorUnits().published}`);
  });
});
