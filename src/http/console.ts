import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { isVisitorOnThisMachine, sameHostSockets } from './local-visitor';

/** Where `npm run build` (scripts/build-console.js) puts the bundle; the same path from src/http and dist/http. */
const CONSOLE_ASSETS_DIR = join(__dirname, '..', '..', 'dist', 'console');

/** The page's own path; the bundle is served under it. */
export const CONSOLE_PATH = '/console';
const ASSETS_PATH = `${CONSOLE_PATH}/assets`;
const BUNDLE_FILES = ['console.js', 'console.css'];

export interface ConsoleOptions {
  /** HttpConfig.console: when false, the router answers nothing and GET /console is a 404. */
  enabled: boolean;
  /** The development token main.ts printed: offered on the sign-in form, for visitors on this machine only. */
  developmentToken?: string;
  /** The built bundle (console.js, console.css); defaults to dist/console. */
  assetsDir?: string;
}

/** The operator console: one page at GET /console that talks to /graphql only, with its bundle under /console/assets. */
export function consoleRouter({ enabled, developmentToken, assetsDir = CONSOLE_ASSETS_DIR }: ConsoleOptions): Router {
  const router = Router();
  if (!enabled) return router;

  const built = BUNDLE_FILES.every((file) => existsSync(join(assetsDir, file)));
  router.get(CONSOLE_PATH, (req, res) => {
    if (!built) {
      res.status(503).type('text/plain').send('The operator console is not built: run `npm run build` (it writes dist/console).\n');
      return;
    }
    sendPage(req, res, developmentToken);
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
  const offer = developmentToken !== undefined && isVisitorOnThisMachine(req);
  res
    .status(200)
    .set({
      'Content-Security-Policy': contentSecurityPolicy(req.headers.host ?? ''),
      // The page may carry a token: never cached, never framed, never leaked in a Referer.
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    })
    .type('html')
    .send(renderPage(offer ? { developmentToken } : {}));
}

/**
 * Everything from this origin only, inline neither for scripts nor for styles (the console's own
 * stylesheet needs none); subscriptions use the same host's WebSocket.
 */
function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${sameHostSockets(host)}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
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
    <meta name="color-scheme" content="light dark" />
    <title>WAVE operator console</title>
    <link rel="stylesheet" href="${ASSETS_PATH}/console.css" />
  </head>
  <body>
    <div id="console">Loading the operator console…</div>
    <script id="wave-console-config" type="application/json">${json}</script>
    <script src="${ASSETS_PATH}/console.js"></script>
  </body>
</html>
`;
}
