import * as z from 'zod';

/** Server-generated ids: ULIDs (26 Crockford base32 characters). */
export const IdSchema = z
  .string()
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'Not a valid id')
  .meta({ example: '01JD8X3Y4Z5A6B7C8D9E0F1G2H' });

/** Free text a client attaches (descriptions, reasons): bounded, printable. */
export const TextSchema = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(
      // Control characters (except tab, newline, return) have no place in text a clerk reads.
      // eslint-disable-next-line no-control-regex
      /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/,
      'Control characters are not allowed',
    );

/** A business date, YYYY-MM-DD, that exists in the calendar. */
export const DateSchema = z.iso.date();

/** An instant, ISO 8601 in UTC. */
export const TimestampSchema = z.iso.datetime();
