import { createLogger, type Logger } from '../../shared/observability/logger';

/** A real logger whose lines are kept for assertions instead of written to stdout. */
export function capturedLogger(): {
  logger: Logger;
  lines: string[];
  entries: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
  return {
    logger,
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
