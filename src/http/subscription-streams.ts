import type { GraphQLFormattedError } from 'graphql';
import type { WebSocket } from 'ws';
import { ErrorCode } from '../error-codes';

/**
 * The event streams graphql-ws sends, wrapped so that every way a subscription ends reaches the client
 * as a result (`next`, then `complete`), which gateways pass on with its code: a failure of the stream,
 * the expiry of the connection's token. And the hook that tells when a stream ended, however it ended.
 */

/** setTimeout's longest delay: a longer one fires at once, so longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `stream`, calling `ended` once when it finishes, fails or its consumer stops it (graphql-ws calls
 * return()). Not an async generator: its return() would wait behind a pending next(), i.e. until
 * the next event, so an unsubscribe would not reach the stream and its listener would stay.
 */
export function observed<T>(stream: AsyncGenerator<T>, ended: () => void): AsyncGenerator<T> {
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    ended();
  };
  const settle = async (step: Promise<IteratorResult<T>>) => {
    try {
      const result = await step;
      if (result.done) finish();
      return result;
    } catch (error) {
      finish();
      throw error;
    }
  };
  return {
    next: (...args) => settle(stream.next(...args)),
    return: (value) => {
      finish();
      return stream.return(value);
    },
    throw: (error) => {
      finish();
      return stream.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<T>;
}

/**
 * Resolves when the token of `socket` stops being valid (never, once the socket closed): a subscription
 * must not outlive the credentials it was authorised with. Checked at subscribe time as well (@auth),
 * so this only ends streams that were allowed when they started.
 */
export function expiryOfToken(socket: WebSocket, validUntil: Date): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      const remaining = validUntil.getTime() - Date.now();
      if (remaining <= 0) return resolve();
      timer = setTimeout(check, Math.min(remaining, MAX_TIMER_MS));
      timer.unref();
    };
    check();
    socket.once('close', () => clearTimeout(timer));
  });
}

const TOKEN_EXPIRED: GraphQLFormattedError = {
  message: 'The token expired: connect again with a fresh token to go on receiving events.',
  extensions: { code: ErrorCode.UNAUTHENTICATED, reason: 'token_expired' },
};

/**
 * `stream`, ending with one last result that says why when it fails (`failure(error)`'s errors) or when
 * `expired` resolves first (TOKEN_EXPIRED): graphql-ws sends that as `next`, then `complete`, which a
 * client behind a gateway reads with its code, unlike a protocol `error` message.
 */
export function endingWithReason<T>(
  stream: AsyncGenerator<T>,
  failure: (error: unknown) => GraphQLFormattedError[],
  expired: Promise<void> = new Promise<void>(() => {}),
): AsyncGenerator<T> {
  let done = false;
  const expiry = expired.then(() => 'expired' as const);
  const last = (errors: GraphQLFormattedError[]): IteratorResult<T> => {
    done = true;
    return { done: false, value: { errors } as T };
  };
  return {
    next: async (...args) => {
      if (done) return { done: true, value: undefined };
      try {
        const step = await Promise.race([stream.next(...args), expiry]);
        if (step !== 'expired') return step;
        void stream.return(undefined as never);
        return last([TOKEN_EXPIRED]);
      } catch (error) {
        return last(failure(error));
      }
    },
    return: (value) => {
      done = true;
      return stream.return(value);
    },
    throw: (error) => {
      done = true;
      return stream.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncGenerator<T>;
}
