import type { Context } from 'aws-lambda';
import { createRuntime } from '@shared/infrastructure/production-dependencies';
import { parseEnvironment } from '@shared/infrastructure/environment';
import { endOfDayTask } from './end-of-day-task';

const runtime = createRuntime(parseEnvironment());
const task = endOfDayTask(runtime.dependencies, {
  timeZone: process.env.NEXUM_EOD_TIME_ZONE ?? 'UTC',
  // One page of a step (a query, a batch read, a few transactions) takes well under a minute.
  marginMs: 60_000,
});

/** The end-of-day tasks of the state machine: `start`, `segment`, `finish` (end-of-day-task.ts). */
export const handler = (event: unknown, context: Context) => task(event, context);
