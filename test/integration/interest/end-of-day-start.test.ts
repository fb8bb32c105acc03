import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { StepFunctionsEndOfDayStarter } from '../../../shared/infrastructure/aws/step-functions-end-of-day';
import { createTestApi, type TestApi } from '../../support/api-client';

const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:nexum-demo-end-of-day';
const EXECUTION =
  'arn:aws:states:eu-west-1:123456789012:execution:nexum-demo-end-of-day:eod-2026-05-31';

/**
 * POST /admin/eod as deployed in AWS: the admin handler over DynamoDB Local with the Step
 * Functions adapter (its client mocked) starts the state machine instead of running the day.
 */
describe('POST /admin/eod with the EndOfDay state machine', () => {
  const sfn = mockClient(SFNClient);
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('eod-start', {
      overrides: {
        endOfDay: new StepFunctionsEndOfDayStarter(new SFNClient({}), MACHINE),
      },
    });
    const set = await api.call('PUT', '/admin/business-date', { body: { date: '2026-05-31' } });
    if (set.status !== 200) throw new Error(set.raw);
  });
  afterAll(async () => {
    sfn.restore();
    await api.close();
  });

  it('starts one execution for the business date and answers 202 with its id', async () => {
    sfn.on(StartExecutionCommand).resolves({
      executionArn: EXECUTION,
      startDate: new Date('2026-05-31T22:00:00Z'),
    });
    const wrong = await api.call<{ code: string }>('POST', '/admin/eod', {
      body: { date: '2026-05-30' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('BUSINESS_DATE_NOT_ALLOWED');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);

    const started = await api.call('POST', '/admin/eod', {
      body: { date: '2026-05-31' },
    });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({
      executionId: EXECUTION,
      businessDate: '2026-05-31',
      status: 'STARTED',
      startedAt: '2026-05-31T22:00:00.000Z',
    });
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input).toMatchObject({ stateMachineArn: MACHINE, name: 'eod-2026-05-31' });
    // Nothing ran in the API process: the business date stays until the workflow moves it.
    await new Promise((wake) => setTimeout(wake, 300));
    const date = await api.call<{ date: string }>('GET', '/admin/business-date');
    expect(date.body.date).toBe('2026-05-31');
  });

  it('answers a second start of the same date with 409 CONFLICT naming the execution', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const again = await api.call<{ code: string; detail: string }>('POST', '/admin/eod', {
      body: { date: '2026-05-31' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
    expect(again.body.detail).toContain(EXECUTION);
  });
});
