import express, { type RequestHandler, type Response } from 'express';
import { sameHostSockets } from './local-visitor';

/**
 * What the pages bundled at build time (the IDE, the console) share: their assets, the headers of a page
 * that may carry a token, their Content-Security-Policy and their settings block.
 */

/** The built files under `dir`, revalidated by ETag (fixed file names: a rebuild is picked up at once). */
export function bundleAssets(dir: string): RequestHandler {
  return express.static(dir, {
    index: false,
    cacheControl: false,
    setHeaders: (res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('X-Content-Type-Options', 'nosniff');
    },
  });
}

/** Sends a page that may carry a token: never cached, never framed, never leaked in a Referer. */
export function sendPage(res: Response, contentSecurityPolicy: string, html: string): void {
  res
    .status(200)
    .set({
      'Content-Security-Policy': contentSecurityPolicy,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    })
    .type('html')
    .send(html);
}

/**
 * Everything from this origin only, never an inline script; subscriptions use the same host's WebSocket.
 * `inlineStyles` and `dataFonts` for GraphiQL, which sets inline styles and ships its fonts as data: URLs.
 */
export function contentSecurityPolicy(host: string, { inlineStyles = false, dataFonts = false, formAction = "'none'" } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${inlineStyles ? " 'unsafe-inline'" : ''}`,
    "img-src 'self' data:",
    `font-src 'self'${dataFonts ? ' data:' : ''}`,
    `connect-src 'self'${sameHostSockets(host)}`,
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The page's settings as the text of a JSON data block (not run as script); "<" escaped so it cannot close it. */
export function settingsBlock(settings: object): string {
  return JSON.stringify(settings).replace(/</g, '\\u003c');
}
