import type { MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ApiError } from '../error-responses';
import { edgeState } from './edge-response';

/**
 * JSON request bodies through `@middy/http-json-body-parser`, only for routes that take a body.
 * The parser's errors are rethrown as our codes, without their cause: it holds the raw body.
 */
export function jsonBody(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      const route = edgeState(request.event).route;
      const raw = request.event.body;
      const empty = raw === null || raw === '';
      if (route?.contract.body === undefined) {
        if (!empty) {
          throw new ApiError('VALIDATION_FAILED', 'This route takes no request body', {
            errors: [{ path: '', message: 'Unexpected request body' }],
          });
        }
        return;
      }
      if (empty) return; // Validation reports the missing body with the schema's own message.
      try {
        await parser.before?.(request as never);
      } catch (error) {
        throw parserFailure(error);
      }
    },
  };
}

function parserFailure(error: unknown): ApiError {
  const message = error instanceof Error ? error.message : '';
  if (message === 'Unsupported Media Type') {
    return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  return new ApiError('MALFORMED_JSON', 'The request body is not valid JSON');
}
