import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import pino from 'pino';
import { TokenVerifier } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { ideRouter } from '../../src/http/ide';
import { createApp } from '../../src/server';
import { TEST_SECRET, useTestApps } from '../helpers/app';
import { send } from '../http/support';

/** What Chromium sends when a person opens a URL. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const QUEUES = '{ queues { domain length } }';
const DEVELOPMENT_TOKEN = 'header.development-token.signature';

const pageOf = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '/ide');
const originOf = (graphqlUrl: string) => new URL(graphqlUrl).origin;

/** A GET with the Host header as given (fetch would not let a test choose it). */
function getWithHost(url: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host, accept: BROWSER_ACCEPT, ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, () => resolve(listening));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the GraphQL IDE over HTTP', () => {
  const fixture = useTestApps({
    development: { NODE_ENV: 'development' },
    production: { NODE_ENV: 'production' },
    productionWithIde: { NODE_ENV: 'production', IDE: 'true' },
  });

  it('serves GET /ide a page whose script and stylesheet come from this server, under a strict CSP', async () => {
    const page = await send(pageOf(fixture.apps.development.url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets.sort()).toEqual(['/ide/assets/ide.css', '/ide/assets/ide.js']);

    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(page.headers.get('cache-control')).toBe('no-store');

    const origin = originOf(fixture.apps.development.url);
    const script = await send(`${origin}/ide/assets/ide.js`);
    const stylesheet = await send(`${origin}/ide/assets/ide.css`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, expect.stringMatching(/javascript/)]);
    expect([stylesheet.status, stylesheet.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/css/)]);
    // Fonts travel inside the stylesheet; nothing points at a font or CDN host.
    expect(stylesheet.text).not.toMatch(/url\(\s*["']?(https?:)?\/\//);
    expect(stylesheet.text).not.toMatch(/@import/);
  });

  it("serves the IDE to a browser's GET /graphql", async () => {
    const page = await send(fixture.apps.development.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="/ide/assets/ide.js">');
  });

  it('passes a GET /graphql asking for JSON to Apollo, whose CSRF prevention still refuses it without the preflight header', async () => {
    const response = await send(`${fixture.apps.development.url}?query=${encodeURIComponent(QUEUES)}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.json.errors[0].message).toMatch(/Cross-Site Request Forgery/);
  });

  it('answers GET /ide with 404 in production, and gives a browser at /graphql no IDE there', async () => {
    expect((await send(pageOf(fixture.apps.production.url))).status).toBe(404);
    expect((await send(`${originOf(fixture.apps.production.url)}/ide/assets/ide.js`)).status).toBe(404);
    const browser = await send(fixture.apps.production.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(browser.text).not.toContain('/ide/assets/');
  });

  it('serves the IDE in production when IDE=true', async () => {
    const page = await send(pageOf(fixture.apps.productionWithIde.url));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script id="wave-ide-config" type="application/json">{}</script>');
  });

  it('never hands the IDE a development token in production, even when one is passed in', async () => {
    const config = loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://unused:6379', JWT_SECRET: TEST_SECRET, IDE: 'true' });
    const app = await createApp({
      config,
      redis: fixture.apps.productionWithIde.redis,
      tokens: new TokenVerifier(config.auth),
      logger: pino({ level: 'silent' }),
      developmentToken: DEVELOPMENT_TOKEN,
    });
    try {
      const page = await send(pageOf(await app.listen(0)));
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(DEVELOPMENT_TOKEN);
    } finally {
      await app.stop();
    }
  });
});

describe('the IDE router', () => {
  const served: Server[] = [];
  afterAll(async () => {
    await Promise.all(served.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /**
   * The router on a real server; `remoteAddress` stands in for the socket's peer, as a visitor from
   * another machine would be (every test request really comes from loopback).
   */
  async function serve(options: Parameters<typeof ideRouter>[0], remoteAddress?: string): Promise<string> {
    const app = express();
    if (remoteAddress) {
      app.use((req, _res, next) => {
        Object.defineProperty(req.socket, 'remoteAddress', { value: remoteAddress, configurable: true });
        next();
      });
    }
    app.use(ideRouter(options));
    const { server, url } = await listen(app);
    served.push(server);
    return url;
  }

  it('pre-fills the development token for a loopback Host only, so a DNS-rebound name never reads it', async () => {
    const url = `${await serve({ enabled: true, developmentToken: DEVELOPMENT_TOKEN })}/ide`;
    for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000']) {
      expect((await getWithHost(url, host)).body).toContain(`{"developmentToken":"${DEVELOPMENT_TOKEN}"}`);
    }
    for (const host of ['attacker.example:4000', 'localhost.attacker.example', '192.168.1.20:4000']) {
      const page = await getWithHost(url, host);
      expect([page.status, page.body.includes(DEVELOPMENT_TOKEN)]).toEqual([200, false]);
    }
  });

  it.each(['192.0.2.10', '::ffff:192.0.2.10', '2001:db8::10'])(
    'gives a visitor from %s no token, whatever Host it names',
    async (remoteAddress) => {
      const url = `${await serve({ enabled: true, developmentToken: DEVELOPMENT_TOKEN }, remoteAddress)}/ide`;
      for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000']) {
        const page = await getWithHost(url, host);
        expect([page.status, page.body.includes(DEVELOPMENT_TOKEN)]).toEqual([200, false]);
      }
    },
  );

  it.each(['127.0.0.1', '127.0.1.1', '::1', '::ffff:127.0.0.1'])('pre-fills the token for a loopback peer %s', async (remoteAddress) => {
    const page = await getWithHost(
      `${await serve({ enabled: true, developmentToken: DEVELOPMENT_TOKEN }, remoteAddress)}/ide`,
      'localhost:4000',
    );
    expect(page.body).toContain(`{"developmentToken":"${DEVELOPMENT_TOKEN}"}`);
  });

  it('gives no token to a request a proxy on this machine forwarded, as its peer is then loopback for every visitor', async () => {
    const url = `${await serve({ enabled: true, developmentToken: DEVELOPMENT_TOKEN })}/ide`;
    const forwardings: Array<Record<string, string>> = [{ 'x-forwarded-for': '198.51.100.7' }, { forwarded: 'for=198.51.100.7' }];
    for (const forwarded of forwardings) {
      const page = await getWithHost(url, 'localhost:4000', forwarded);
      expect([page.status, page.body.includes(DEVELOPMENT_TOKEN)]).toEqual([200, false]);
    }
  });

  it('answers 503 naming `npm run build` when the bundle was not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'wave-ide-'));
    try {
      const page = await send(`${await serve({ enabled: true, assetsDir: empty })}/ide`);
      expect(page.status).toBe(503);
      expect(page.text).toMatch(/npm run build/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});
