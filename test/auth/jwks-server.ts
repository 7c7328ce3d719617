import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An identity provider's JWKS endpoint on a local port, counting how often it is asked. */
export class JwksServer {
  /** Key-set fetches served so far. */
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Serves `{ keys }`, or answers every request with `failWithStatus` when given. */
  static async start(keys: object[], failWithStatus?: number): Promise<JwksServer> {
    const server = createServer((_request, response) => {
      jwks.requests += 1;
      response.writeHead(failWithStatus ?? 200, { 'content-type': 'application/json' });
      response.end(failWithStatus ? '{"error":"unavailable"}' : JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const jwks = new JwksServer(server, `http://127.0.0.1:${port}/.well-known/jwks.json`);
    return jwks;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}
