import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { isVisitorOnThisMachine, sameHostSockets } from './local-visitor';

/** Where `npm run build` (scripts/build-ide.js) puts the bundle; the same path from src/http and dist/http. */
const IDE_ASSETS_DIR = join(__dirname, '..', '..', 'dist', 'ide');

/** The page's own path; the bundle is served under it. */
const IDE_PATH = '/ide';
const ASSETS_PATH = `${IDE_PATH}/assets`;
const BUNDLE_FILES = ['ide.js', 'ide.css'];

/** What a GraphQL client can ask for at /graphql; a browser's navigation ranks text/html above all of them. */
const GRAPHQL_MEDIA_TYPES = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html'];

export interface IdeOptions {
  /** HttpConfig.ide: when false, the router answers nothing and GET /ide is a 404. */
  enabled: boolean;
  /** The development token main.ts printed: pre-filled in the header editor, for visitors on this machine only. */
  developmentToken?: string;
  /** The built bundle (ide.js, ide.css); defaults to dist/ide. */
  assetsDir?: string;
}

/**
 * The offline GraphQL IDE: GraphiQL at GET /ide, and at GET /graphql for a browser's navigation
 * (Accept ranks text/html first); every other /graphql request passes on to Apollo untouched.
 */
export function ideRouter({ enabled, developmentToken, assetsDir = IDE_ASSETS_DIR }: IdeOptions): Router {
  const router = Router();
  if (!enabled) return router;

  const built = BUNDLE_FILES.every((file) => existsSync(join(assetsDir, file)));
  const servePage: RequestHandler = (req, res) => {
    if (!built) {
      res.status(503).type('text/plain').send('The GraphQL IDE is not built: run `npm run build` (it writes dist/ide).\n');
      return;
    }
    sendPage(req, res, developmentToken);
  };

  router.get(IDE_PATH, servePage);
  // Middleware, not a route: a route on /graphql would answer its CORS preflight (OPTIONS) itself.
  router.use((req, res, next) => {
    if (req.method === 'GET' && req.path === '/graphql' && req.accepts(GRAPHQL_MEDIA_TYPES) === 'text/html') {
      servePage(req, res, next);
    } else {
      next();
    }
  });
  router.use(
    ASSETS_PATH,
    express.static(assetsDir, {
      index: false,
      // Fixed file names: the browser revalidates (ETag) so a rebuild is picked up at once.
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }),
  );
  return router;
}

function sendPage(req: Request, res: Response, developmentToken: string | undefined): void {
  const host = req.headers.host ?? '';
  const prefill = developmentToken !== undefined && isVisitorOnThisMachine(req);
  res
    .status(200)
    .set({
      'Content-Security-Policy': contentSecurityPolicy(host),
      // The page may carry a token: never cached, never framed, never leaked in a Referer.
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    })
    .type('html')
    .send(renderPage(prefill ? { developmentToken } : {}));
}

/**
 * Everything from this origin only; GraphiQL sets inline styles (hence 'unsafe-inline' for styles,
 * never for scripts) and its fonts are data: URLs inside the CSS. Subscriptions use the same host's
 * WebSocket.
 */
function contentSecurityPolicy(host: string): string {
  const sockets = sameHostSockets(host);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The page: the bundle, a mount point and the page's settings as a JSON data block (not run as script). */
function renderPage(settings: { developmentToken?: string }): string {
  // "<" escaped: the JSON cannot close its <script> element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>WAVE control API · GraphQL IDE</title>
    <link rel="stylesheet" href="${ASSETS_PATH}/ide.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="graphiql">Loading the GraphQL IDE…</div>
    <script id="wave-ide-config" type="application/json">${json}</script>
    <script src="${ASSETS_PATH}/ide.js"></script>
  </body>
</html>
`;
}
