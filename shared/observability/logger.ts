/**
 * Structured JSON logs, one object per line. Fields whose names identify a person or carry a
 * secret are redacted wherever they appear, so a careless `logger.info('x', { customer })` still
 * never writes PII or tokens (issue: logs never contain PII).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Lower-cased field names whose values are never logged. */
const sensitiveKeys = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'newpassword',
  'currentpassword',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'secret',
  'apikey',
  'x-api-key',
  'firstname',
  'lastname',
  'middlename',
  'fullname',
  'name',
  'email',
  'phone',
  'mobile',
  'nationalid',
  'taxid',
  'ssn',
  'passportnumber',
  'dateofbirth',
  'dob',
  'address',
  'street',
  'line1',
  'line2',
  'postalcode',
  'iban',
  'accountnumber',
  'body',
  'plaintext',
  'datakey',
]);

export const REDACTED = '[redacted]';

/** Copies a value with every sensitive field replaced; cycles and depth are bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return serializeError(value, depth);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = sensitiveKeys.has(key.toLowerCase()) ? REDACTED : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

function serializeError(error: Error, depth: number): Record<string, unknown> {
  // The message and stack of our own errors never carry request data; a cause is followed so
  // the root of a wrapped failure is visible, but its attached data is not.
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    ...(error.cause instanceof Error ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

export type LogSink = (line: string) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** A JSON logger writing to `sink` (stdout by default: Lambda ships it to CloudWatch). */
export function createLogger(options: {
  level?: LogLevel;
  base?: Record<string, unknown>;
  sink?: LogSink;
}): Logger {
  const minimum = levelRank[options.level ?? 'info'];
  const base = options.base ?? {};
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (levelRank[level] < minimum) return;
    const entry = { level, time: new Date().toISOString(), message, ...base, ...fields };
    sink(JSON.stringify(redact(entry)));
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}
