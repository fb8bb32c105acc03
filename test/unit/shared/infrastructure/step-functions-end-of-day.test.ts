import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  endOfDayExecutionName,
  StepFunctionsEndOfDayStarter,
} from '../../../../shared/infrastructure/aws/step-functions-end-of-day';

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:nexum-demo-end-of-day';

describe('StepFunctionsEndOfDayStarter', () => {
  beforeEach(() => {
    sfn.reset();
  });

  it('starts one execution named after the business date, with the date as its input', async () => {
    sfn.on(StartExecutionCommand).resolves({
      executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:eod-2026-03-31`,
      startDate: new Date('2026-03-31T21:30:00Z'),
    });
    const starter = new StepFunctionsEndOfDayStarter(new SFNClient({}), MACHINE);

    const started = await starter.start('2026-03-31');

    expect(started).toEqual({
      kind: 'STARTED',
      executionId:
        'arn:aws:states:eu-west-1:123456789012:execution:nexum-demo-end-of-day:eod-2026-03-31',
      startedAt: '2026-03-31T21:30:00.000Z',
    });
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      name: 'eod-2026-03-31',
      input: '{"businessDate":"2026-03-31"}',
    });
  });

  it('gives the same name and input for the same date (a double click is one execution)', () => {
    expect(endOfDayExecutionName('2026-03-31')).toBe(endOfDayExecutionName('2026-03-31'));
    expect(endOfDayExecutionName('2026-03-31')).not.toBe(endOfDayExecutionName('2026-04-01'));
  });

  it('answers ALREADY_EXISTS with the existing execution when the date has one', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const starter = new StepFunctionsEndOfDayStarter(new SFNClient({}), MACHINE);

    await expect(starter.start('2026-03-31')).resolves.toEqual({
      kind: 'ALREADY_EXISTS',
      executionId:
        'arn:aws:states:eu-west-1:123456789012:execution:nexum-demo-end-of-day:eod-2026-03-31',
    });
  });

  it('lets any other failure through', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'no such machine', $metadata: {} }));
    const starter = new StepFunctionsEndOfDayStarter(new SFNClient({}), MACHINE);

    await expect(starter.start('2026-03-31')).rejects.toThrow('no such machine');
  });
});
