import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OTLP/HTTP receiver for the traced run of benchmark 2: it reads and drops every export
 * (answering as a collector does), counting requests and bytes so the bench can say traces flowed.
 */
export class OtlpSink {
  exports = 0;
  bytes = 0;

  private constructor(
    private readonly server: Server,
    /** What OTEL_EXPORTER_OTLP_ENDPOINT is set to. */
    readonly endpoint: string,
  ) {}

  static async start(): Promise<OtlpSink> {
    const counts = { exports: 0, bytes: 0 };
    const server = createServer((req, res) => {
      req.on('data', (chunk: Buffer) => (counts.bytes += chunk.length));
      req.on('end', () => {
        counts.exports += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sink = new OtlpSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    Object.defineProperties(sink, {
      exports: { get: () => counts.exports },
      bytes: { get: () => counts.bytes },
    });
    return sink;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
