import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's package `chromium`; npm test's first step installs it (scripts/ensure-test-deps.sh).
 * playwright-core never downloads a browser.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
/** Upper bounds for the page to get somewhere, not waits: each wait ends as soon as the page is there. */
export const PAGE_TIMEOUT_MS = 15_000;
/** The hosts a page may reach: this machine. */
export const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

/** Chromium, headless. Never skipped: a missing browser fails the suite, with the way to get one. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/ensure-test-deps.sh, run before npm test, does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A page of a fresh context that records every request it makes and aborts any that would leave this machine. */
export async function openLoopbackPage(browser: Browser): Promise<{ page: Page; requested: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return LOCAL_HOSTS.has(hostname) ? route.continue() : route.abort('blockedbyclient');
  });
  return { page, requested };
}
