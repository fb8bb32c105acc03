import { describe, expect, it } from '@jest/globals';
import {
  gatewayProblems,
  problemJson,
  rateLimitedByFirewall,
} from '../../infra/constructs/gateway-problems';
import { ProblemSchema } from '../../shared/contracts/schemas/common';
import { problemBody, problemByCode, ApiError } from '../../shared/http/error-responses';

const allProblems = [
  ...gatewayProblems.map((problem) => [problem.type.responseType, problem] as const),
  ['WAF rate limit', rateLimitedByFirewall] as const,
];

const isEdgeCode = (code: string): code is keyof typeof problemByCode => code in problemByCode;

describe('problems API Gateway and WAF answer on their own', () => {
  it.each(allProblems)('%s uses a code, status and title of the edge error table', (_, problem) => {
    expect(isEdgeCode(problem.code)).toBe(true);
    if (!isEdgeCode(problem.code)) return;

    expect({ status: problem.status, title: problem.title }).toEqual(problemByCode[problem.code]);
  });

  it.each(allProblems)('%s renders the body a function would send', (_, problem) => {
    if (!isEdgeCode(problem.code)) throw new Error(`${problem.code} is not an edge code`);

    const body: unknown = JSON.parse(problemJson(problem, 'req-1'));

    expect(ProblemSchema.parse(body)).toEqual(body);
    expect(body).toEqual(problemBody(new ApiError(problem.code, problem.detail), 'req-1'));
  });
});
