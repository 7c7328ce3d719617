import type { Browser, Page } from 'playwright-core';
import { launchChromium, LOCAL_HOSTS, openLoopbackPage } from '../helpers/browser';
import { ServerProcess } from '../helpers/server-process';

const WORKFLOWS_QUERY = '{ workflows(first: 50) { nodes { threadId phase } } }';

/** GraphiQL's CodeMirror 5 editors: the query, the (visible) headers tab, the result. */
const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
const HEADERS_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
const RESULT_VIEWER = '.result-window .CodeMirror';

/**
 * Waits until the editor's full text contains `expected`, then returns that text. CodeMirror 5
 * renders only the visible lines; the instance it hangs on its element holds them all. (The code
 * runs in the page, where `document` exists; the Node project has no DOM types.)
 */
async function editorTextContaining(page: Page, selector: string, expected: string): Promise<string> {
  const handle = await page.waitForFunction(
    ([css, text]) => {
      const value: string = (globalThis as any).document.querySelector(css)?.CodeMirror?.getValue() ?? '';
      return value.includes(text) ? value : false;
    },
    [selector, expected] as const,
  );
  return (await handle.jsonValue()) as string;
}

describe('the GraphQL IDE in a real browser (Debian chromium, no internet)', () => {
  let server: ServerProcess;
  let browser: Browser;
  let developmentToken: string;

  beforeAll(async () => {
    server = await ServerProcess.start({});
    developmentToken = /Development operator token[^\n]*\n\n\s+(\S+)/.exec(server.output)![1];
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop()).toBe(0);
  });

  /** A fresh page that records every request it makes and stops any that would leave this machine. */
  async function openPage(): Promise<{ page: Page; requested: string[]; problems: string[] }> {
    const { page, requested } = await openLoopbackPage(browser);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !/favicon/.test(message.location().url)) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, requested, problems };
  }

  it('queries workflows with the pre-filled development token and shows the demo workflows, fetching nothing from outside', async () => {
    const { page, requested, problems } = await openPage();
    const ide = server.url.replace(/\/graphql$/, '/ide');
    await page.goto(`${ide}?query=${encodeURIComponent(WORKFLOWS_QUERY)}`);

    await editorTextContaining(page, HEADERS_EDITOR, `"Authorization": "Bearer ${developmentToken}"`);
    expect(await editorTextContaining(page, QUERY_EDITOR, WORKFLOWS_QUERY)).toBe(WORKFLOWS_QUERY);
    await page.locator('.graphiql-execute-button').click();

    const result = JSON.parse(await editorTextContaining(page, RESULT_VIEWER, '"workflows"'));
    expect(result.errors).toBeUndefined();
    const threadIds: string[] = result.data.workflows.nodes.map((workflow: { threadId: string }) => workflow.threadId);
    expect(threadIds).toEqual(expect.arrayContaining(['WAVE1-FE-001-healthy', 'WAVE1-BE-001-done', 'WAVE1-BE-002-agent-crash']));

    // The token lives in the header editor only: nothing of it lands in the page's storage.
    await page.waitForFunction(() => (globalThis as any).localStorage.getItem('graphiql:queries') !== null);
    const stored = await page.evaluate(() => JSON.stringify({ ...(globalThis as any).localStorage }));
    expect(stored).toContain(WORKFLOWS_QUERY);
    expect(stored).not.toContain(developmentToken);

    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !LOCAL_HOSTS.has(new URL(url).hostname))).toEqual([]);
    // A CSP refusal or a failed asset shows up here: the page ran with nothing blocked.
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("opens the IDE for a browser's GET /graphql", async () => {
    const { page, requested } = await openPage();
    await page.goto(server.url);
    await page.locator('.graphiql-execute-button').waitFor({ state: 'visible' });
    expect(requested.filter((url) => !LOCAL_HOSTS.has(new URL(url).hostname))).toEqual([]);
    await page.context().close();
  });
});
