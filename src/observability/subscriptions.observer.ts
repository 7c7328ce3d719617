import type { Logger } from 'pino';
import type { RequestContext } from '../graphql/context';
import type { SubscriptionObserver } from '../http/graphql-ws';
import type { Metrics } from './metrics';
import { codeOf, subOf } from './operations.plugin';

/**
 * A log line when a subscription starts, ends or is refused, and the active and total counts:
 * what the operation line and metrics are for HTTP. Never the variables or the events.
 */
export function subscriptionsObserver(logger: Logger, metrics: Metrics): SubscriptionObserver {
  return {
    started(context, operationName) {
      const operation = metrics.operationLabel(operationName, true);
      const fields = { operation: operationName, sub: subOf(context as RequestContext) ?? null };
      const startedAt = process.hrtime.bigint();
      metrics.subscriptions.inc({ operation, outcome: 'started' });
      metrics.subscriptionsActive.inc({ operation });
      logger.info(fields, 'subscription started');
      return () => {
        metrics.subscriptionsActive.dec({ operation });
        const durationMs = Math.round(Number(process.hrtime.bigint() - startedAt) / 1e5) / 10;
        logger.info({ ...fields, durationMs }, 'subscription ended');
      };
    },
    refused(context, operationName, errors) {
      const codes = [...new Set(errors.map(codeOf))];
      metrics.subscriptions.inc({ operation: metrics.operationLabel(operationName, true), outcome: codes[0] ?? 'error' });
      logger.info({ operation: operationName, sub: subOf(context as RequestContext) ?? null, errorCodes: codes }, 'subscription refused');
    },
  };
}
