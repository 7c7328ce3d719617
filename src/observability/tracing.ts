/**
 * OpenTelemetry traces, exported over OTLP/HTTP when the standard variables name an endpoint
 * (tracingRequested). Loaded only then (src/instrumentation.ts): without an endpoint this module, the
 * SDK and the instrumentations (about 19 MB of memory and 0.3 s of start) are never loaded, nothing is
 * patched and no context is kept per request.
 *
 * The exporter, the sampler (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG), the batch processor
 * (OTEL_BSP_*) and the resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) read their own
 * variables, as every OpenTelemetry SDK does; only the defaults below are ours.
 */
import type { Span } from '@opentelemetry/api';
import { getStringFromEnv } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { scriptNameOf } from '../redis/scripts';
import { withOperationSpans, withSubscriptionSpans, type OperationTracing } from './operation-tracing';
import { PROBE_PATHS, pathOf } from './probe-paths';

/** The service's name in traces unless OTEL_SERVICE_NAME says otherwise. */
const DEFAULT_SERVICE_NAME = 'wave-control-api';

export interface Tracing extends OperationTracing {
  /** Exports the spans still buffered, then stops: called once on shutdown, after the server stopped. */
  shutdown(): Promise<void>;
}

/**
 * Registers the tracer provider and the http and ioredis instrumentations. Must run
 * before `http`, `express` or `ioredis` are first loaded (src/instrumentation.ts, main's first import):
 * the instrumentations patch modules as they load.
 */
export function startTracing(): Tracing {
  const serviceName = getStringFromEnv('OTEL_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME;
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The W3C trace context propagator: an incoming `traceparent` is continued.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would be most of the traces and tell nothing.
        ignoreIncomingRequestHook: (req) => PROBE_PATHS.has(pathOf(req.url)),
        // Our own outgoing requests (JWKS) are not what a trace of an operation is about.
        ignoreOutgoingRequestHook: () => true,
        // A GET /graphql carries the document, its variables and persisted-query ids in its query string.
        redactedQueryParamsServer: ['query', 'variables', 'extensions', 'operationName', 'documentId'],
      }),
      new IORedisInstrumentation({
        // The command's name only: keys name workflows and arguments carry data and tokens' subjects.
        dbStatementSerializer: (command) => command,
        requestHook: nameScriptSpan,
      }),
    ],
  });
  return { shutdown: () => provider.shutdown(), withOperationSpans, withSubscriptionSpans };
}

/** A script's span is named after the script (`script resetWorkflow`), not after EVALSHA. */
function nameScriptSpan(span: Span, { cmdName, cmdArgs }: { cmdName: string; cmdArgs: readonly unknown[] }): void {
  const command = cmdName.toLowerCase();
  if (command !== 'evalsha' && command !== 'eval') return;
  const script = scriptNameOf(String(cmdArgs[0]));
  if (!script) return;
  span.updateName(`script ${script}`);
  span.setAttribute('wave.redis.script', script);
}
