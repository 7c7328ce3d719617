/**
 * main.ts's first import: traces must be registered before `http`, `express` and `ioredis` load,
 * because their instrumentations patch them as they load (OpenTelemetry's rule for CommonJS). The
 * SDK is required only when traces are asked for, so a server without them never loads it.
 */
import type { Tracing } from './observability/tracing';
import { tracingRequested } from './observability/tracing-requested';

export const tracing: Tracing | undefined = tracingRequested(process.env)
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
    (require('./observability/tracing') as typeof import('./observability/tracing')).startTracing()
  : undefined;
