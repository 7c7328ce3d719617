import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { bundleAssets, contentSecurityPolicy, sendPage, settingsBlock } from './bundled-page';
import { isVisitorOnThisMachine } from './local-visitor';

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
    sendConsolePage(req, res, developmentToken);
  });
  router.use(ASSETS_PATH, bundleAssets(assetsDir));
  return router;
}

function sendConsolePage(req: Request, res: Response, developmentToken: string | undefined): void {
  const offer = developmentToken !== undefined && isVisitorOnThisMachine(req);
  // The console's own stylesheet needs no inline style.
  sendPage(res, contentSecurityPolicy(req.headers.host ?? ''), renderPage(offer ? { developmentToken } : {}));
}

/** The page: the bundle, a mount point and the page's settings as a JSON data block (not run as script). */
function renderPage(settings: { developmentToken?: string }): string {
  const json = settingsBlock(settings);
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
