import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { consoleRouter } from '../../src/http/console';
import { useTestApps } from '../helpers/app';
import { send } from '../http/support';

const DEVELOPMENT_TOKEN = 'header.development-token.signature';

const consoleOf = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '/console');
const originOf = (graphqlUrl: string) => new URL(graphqlUrl).origin;

/** A GET with the Host header as given (fetch would not let a test choose it). */
function getWithHost(url: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host, ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the operator console over HTTP', () => {
  const fixture = useTestApps({
    development: { NODE_ENV: 'development' },
    production: { NODE_ENV: 'production' },
    productionWithConsole: { NODE_ENV: 'production', CONSOLE: 'true' },
  });

  it('serves GET /console a page whose script and stylesheet come from this server, under a CSP with nothing inline', async () => {
    const page = await send(consoleOf(fixture.apps.development.url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets.sort()).toEqual(['/console/assets/console.css', '/console/assets/console.js']);

    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const origin = originOf(fixture.apps.development.url);
    const script = await send(`${origin}/console/assets/console.js`);
    const stylesheet = await send(`${origin}/console/assets/console.css`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, expect.stringMatching(/javascript/)]);
    expect([stylesheet.status, stylesheet.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/css/)]);
    // Nothing in the bundle points at another host's stylesheet, font or script.
    expect(stylesheet.text).not.toMatch(/url\(\s*["']?(https?:)?\/\/|@import/);
    expect(script.text).not.toMatch(/(src|href)\s*=\s*["']https?:\/\//);
  });

  it('answers GET /console with 404 in production, and serves it there when CONSOLE=true', async () => {
    expect((await send(consoleOf(fixture.apps.production.url))).status).toBe(404);
    expect((await send(`${originOf(fixture.apps.production.url)}/console/assets/console.js`)).status).toBe(404);
    const page = await send(consoleOf(fixture.apps.productionWithConsole.url));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script id="wave-console-config" type="application/json">{}</script>');
  });
});

describe('the console router', () => {
  const served: Server[] = [];
  afterAll(async () => {
    await Promise.all(served.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** The router on a real server; `remoteAddress` stands in for the socket's peer of a visitor from elsewhere. */
  async function serve(options: Parameters<typeof consoleRouter>[0], remoteAddress?: string): Promise<string> {
    const app = express();
    if (remoteAddress) {
      app.use((req, _res, next) => {
        Object.defineProperty(req.socket, 'remoteAddress', { value: remoteAddress, configurable: true });
        next();
      });
    }
    app.use(consoleRouter(options));
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, () => resolve(listening));
    });
    served.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/console`;
  }

  it('offers the development token to a visitor on this machine under a loopback Host only, as the IDE does', async () => {
    const url = await serve({ enabled: true, developmentToken: DEVELOPMENT_TOKEN });
    expect((await getWithHost(url, 'localhost:4000')).body).toContain(`{"developmentToken":"${DEVELOPMENT_TOKEN}"}`);
    for (const host of ['attacker.example:4000', 'localhost.attacker.example']) {
      expect((await getWithHost(url, host)).body).not.toContain(DEVELOPMENT_TOKEN);
    }
    expect((await getWithHost(url, 'localhost:4000', { 'x-forwarded-for': '198.51.100.7' })).body).not.toContain(DEVELOPMENT_TOKEN);
    const remote = await serve({ enabled: true, developmentToken: DEVELOPMENT_TOKEN }, '192.0.2.10');
    expect((await getWithHost(remote, 'localhost:4000')).body).not.toContain(DEVELOPMENT_TOKEN);
  });

  it('answers 503 naming `npm run build` when the bundle was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wave-console-'));
    try {
      const page = await send(await serve({ enabled: true, assetsDir: empty }));
      expect(page.status).toBe(503);
      expect(page.text).toMatch(/npm run build/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});
