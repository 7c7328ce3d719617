// `npm run screenshots`: the console's overview, a workflow and a reset preview, written to docs/ from
// the built server (`npm start` as a newcomer runs it: embedded Redis, demo workflows, development
// token) in Debian's chromium. Regenerate after changing the console; the README shows these files.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = join(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const WIDTH = 1280;

/** Starts dist/main.js on a free port and resolves with the console's printed address. */
function startServer(): Promise<{ consoleUrl: string; stop(): void }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH, PORT: '0', NODE_ENV: 'development', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const address = /Operator console[^:]*: (\S+)/.exec(output);
      if (address && output.includes('Try: curl')) resolve({ consoleUrl: address[1], stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
}

async function main(): Promise<void> {
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 }, colorScheme: 'light' });
    // Nothing but this server: the screenshots show the page as it is on a closed network.
    await page.route('**/*', (route) =>
      ['localhost', '127.0.0.1'].includes(new URL(route.request().url()).hostname) ? route.continue() : route.abort(),
    );
    await page.goto(server.consoleUrl);
    await page.getByRole('button', { name: 'Use the development token' }).click();
    await page.locator('tr[data-thread-id="WAVE1-FE-002-dead-agent"]').waitFor();
    await page.screenshot({ path: join(ROOT, 'docs', 'console-overview.png'), fullPage: true });

    await page.locator('tr[data-thread-id="WAVE1-FE-002-dead-agent"]').getByRole('link').click();
    await page.locator('li[data-kind="AGENT_GONE"]').waitFor();
    await page.screenshot({ path: join(ROOT, 'docs', 'console-workflow.png'), fullPage: true });

    await page.getByLabel('Reason (recorded in the audit trail)').fill('fe-agent-2 died at 03:10');
    await page.getByRole('button', { name: 'Preview reset' }).click();
    const preview = page.getByTestId('reset-preview');
    await preview.waitFor();
    await page.locator('#reset-title').scrollIntoViewIfNeeded();
    await page.locator('.reset').screenshot({ path: join(ROOT, 'docs', 'console-reset-preview.png') });
    console.log('wrote docs/console-overview.png, docs/console-workflow.png, docs/console-reset-preview.png');
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
