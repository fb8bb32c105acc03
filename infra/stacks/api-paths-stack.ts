import { createHash } from 'node:crypto';
import { NestedStack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ApiMethods } from '../constructs/api-methods';
import type { BankingApi } from '../constructs/banking-api';

/**
 * How many path stacks share the per-path methods. Changing it moves methods between stacks,
 * which CloudFormation cannot do in one deployment (ADR 0007): treat it as fixed.
 */
export const pathStackCount = 4;

/**
 * The path stack of a path: a hash of the path alone, so it never changes when other paths come
 * or go, and no method ever has to move between stacks.
 */
export function pathStackOf(path: string, stacks: number = pathStackCount): number {
  return createHash('sha256').update(path).digest().readUInt32BE(0) % stacks;
}

export interface ApiPathsStackProps {
  readonly tenant: string;
  readonly api: BankingApi;
  /** The paths whose per-path methods this stack holds. */
  readonly paths: readonly string[];
  /** Answers every request no route matches (404/405 problem+json). */
  readonly fallback: lambda.IFunction;
}

/**
 * The methods every path has whatever its routes (ADR 0007): the `ANY` fallback to the system
 * function and the CORS preflight. They are spread over `pathStackCount` stacks by
 * `pathStackOf`, because a stack holding them for every path would need a CloudFormation
 * parameter per resource id, and a template allows 200.
 */
export class ApiPathsStack extends NestedStack {
  readonly paths: readonly string[];

  constructor(scope: Construct, id: string, props: ApiPathsStackProps) {
    super(scope, id, {
      description: `Nexum ${props.tenant}: the fallback and CORS preflight of ${props.paths.length} API paths`,
    });
    this.paths = props.paths;
    const methods = new ApiMethods(this, 'Methods', props.api);
    for (const path of props.paths) {
      methods.addFallback(path, props.fallback);
      methods.addPreflight(path);
    }
  }
}
