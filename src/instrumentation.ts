/**
 * main.ts's first import: traces must be registered before `http`, `express` and `ioredis` load,
 * because their instrumentations patch them as they load (OpenTelemetry's rule for CommonJS).
 */
import { startTracing } from './observability/tracing';

export const tracing = startTracing();
