import type { SFNClient } from '@aws-sdk/client-sfn';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { EndOfDayStart, EndOfDayStarter } from '../../application/interest/ports';

/** The execution name of a business date's end of day: one per date and state machine. */
export const endOfDayExecutionName = (businessDate: string): string => `eod-${businessDate}`;

/** The ARN an execution of `stateMachineArn` named `name` has. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts the EndOfDay state machine (infra/constructs/end-of-day.ts) with StartExecution. The
 * execution is named after the business date and its input is the date alone, so a second
 * request while it runs gets the same execution back (Step Functions answers a same-name,
 * same-input start of a running execution with it), and one after it finished is
 * ExecutionAlreadyExists. The API function may StartExecution on this state machine only.
 */
export class StepFunctionsEndOfDayStarter implements EndOfDayStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(businessDate: string): Promise<EndOfDayStart> {
    const name = endOfDayExecutionName(businessDate);
    try {
      const output = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify({ businessDate }),
        }),
      );
      if (output.executionArn === undefined) {
        throw new Error('StartExecution answered without an execution ARN');
      }
      return {
        kind: 'STARTED',
        executionId: output.executionArn,
        startedAt: (output.startDate ?? new Date()).toISOString(),
      };
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) {
        return {
          kind: 'ALREADY_EXISTS',
          executionId: executionArnOf(this.stateMachineArn, name),
        };
      }
      throw error;
    }
  }
}
