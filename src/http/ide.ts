import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { bundleAssets, contentSecurityPolicy, sendPage, settingsBlock } from './bundled-page';
import { isVisitorOnThisMachine } from './local-visitor';

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
    sendIdePage(req, res, developmentToken);
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
  router.use(ASSETS_PATH, bundleAssets(assetsDir));
  return router;
}

function sendIdePage(req: Request, res: Response, developmentToken: string | undefined): void {
  const prefill = developmentToken !== undefined && isVisitorOnThisMachine(req);
  // GraphiQL sets inline styles and ships its fonts as data: URLs inside its CSS; its forms post here.
  const policy = contentSecurityPolicy(req.headers.host ?? '', { inlineStyles: true, dataFonts: true, formAction: "'self'" });
  sendPage(res, policy, renderPage(prefill ? { developmentToken } : {}));
}

/** The page: the bundle, a mount point and the page's settings as a JSON data block (not run as script). */
function renderPage(settings: { developmentToken?: string }): string {
  const json = settingsBlock(settings);
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
