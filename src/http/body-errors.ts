import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../error-codes';

/** The shape of every GraphQL error answer, so a client reads an HTTP-level refusal the same way. */
function graphqlErrorBody(message: string, code: ErrorCode) {
  return { errors: [{ message, extensions: { code } }] };
}

/** What body-parser (and other http-errors) attach to the errors they pass to `next`. */
interface HttpError {
  status?: number;
  type?: string;
}

const PAYLOAD_TOO_LARGE = 413;

function clientStatus(error: unknown): number | undefined {
  const status = (error as HttpError | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * Express's last error handler: a body over `bodyLimit` is 413 PAYLOAD_TOO_LARGE, a body that is not
 * JSON (or cannot be read) 400 BAD_REQUEST, anything else a masked 500; always JSON, never a stack or
 * express's HTML page.
 */
export function requestErrorHandler(bodyLimit: string, logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = clientStatus(error);
    if (status === PAYLOAD_TOO_LARGE) {
      res.status(status).json(graphqlErrorBody(`The request body is larger than the ${bodyLimit} limit.`, ErrorCode.PAYLOAD_TOO_LARGE));
    } else if ((error as HttpError).type === 'entity.parse.failed') {
      res.status(400).json(graphqlErrorBody('The request body is not valid JSON.', ErrorCode.BAD_REQUEST));
    } else if (status !== undefined) {
      res.status(status).json(graphqlErrorBody('The request body could not be read.', ErrorCode.BAD_REQUEST));
    } else {
      logger.error({ err: error }, 'unexpected error handling a request');
      res.status(500).json(graphqlErrorBody('Internal server error', ErrorCode.INTERNAL_SERVER_ERROR));
    }
  };
}
