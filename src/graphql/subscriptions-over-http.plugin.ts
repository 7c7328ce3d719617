/**
 * Subscriptions are served over WebSocket only (src/http/graphql-ws.ts). Apollo would execute one sent
 * over HTTP like a query, calling the event field's resolver without an event: an internal error with
 * a stack in the log for what is the client's choice of transport.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../error-codes';

export function subscriptionsOverWebSocketOnly(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError('Subscriptions go to /graphql over WebSocket (graphql-ws); HTTP serves queries and mutations.', {
            extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } },
          });
        },
      };
    },
  };
}
