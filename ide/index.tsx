// The GraphQL IDE page's script: GraphiQL 3 (CodeMirror 5, no web workers), bundled by
// scripts/build-ide.js into dist/ide so that nothing is fetched from outside this server.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createRoot } from 'react-dom/client';

/** What the server writes into the page (src/http/ide.ts): a JSON data block, not a script. */
interface IdePageConfig {
  /** Only in development, and only for a loopback Host: the token main.ts printed. */
  developmentToken?: string;
}

const DEFAULT_QUERY = `# WAVE control API. Put your token in Headers below as
#   { "Authorization": "Bearer <token>" }
{
  workflows(first: 10) {
    nodes {
      threadId
      phase
      gate
    }
  }
}
`;

/** GraphiQL's history lists (`graphiql:queries`, `graphiql:favorites`) keep each run's headers. */
const HISTORY_KEYS = new Set(['graphiql:queries', 'graphiql:favorites']);

/** A history list as stored, with every entry's headers (a pasted token) left out. */
function withoutHeaders(stored: string): string {
  try {
    const lists = JSON.parse(stored) as Record<string, unknown>;
    for (const [name, entries] of Object.entries(lists)) {
      if (Array.isArray(entries)) lists[name] = entries.map(({ headers: _headers, ...entry }) => entry);
    }
    return JSON.stringify(lists);
  } catch {
    return stored;
  }
}

/**
 * localStorage under GraphiQL's own namespace, except that no header reaches it: shouldPersistHeaders
 * covers the tabs, but the history would otherwise store every token that was ever sent.
 */
const storage = {
  getItem: (key: string) => localStorage.getItem(key),
  setItem: (key: string, value: string) => localStorage.setItem(key, HISTORY_KEYS.has(key) ? withoutHeaders(value) : value),
  removeItem: (key: string) => localStorage.removeItem(key),
  get length() {
    return Object.keys(localStorage).filter((key) => key.startsWith('graphiql:')).length;
  },
  clear() {
    for (const key of Object.keys(localStorage)) if (key.startsWith('graphiql:')) localStorage.removeItem(key);
  },
};

function readPageConfig(): IdePageConfig {
  const block = document.getElementById('wave-ide-config');
  return block?.textContent ? (JSON.parse(block.textContent) as IdePageConfig) : {};
}

const config = readPageConfig();
const params = new URLSearchParams(window.location.search);
const socketScheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
const fetcher = createGraphiQLFetcher({
  url: '/graphql',
  subscriptionUrl: `${socketScheme}://${window.location.host}/graphql`,
});
const headers = config.developmentToken ? JSON.stringify({ Authorization: `Bearer ${config.developmentToken}` }, null, 2) : undefined;

createRoot(document.getElementById('graphiql')!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={DEFAULT_QUERY}
    query={params.get('query') ?? undefined}
    variables={params.get('variables') ?? undefined}
    operationName={params.get('operationName') ?? undefined}
    headers={headers}
    defaultHeaders={headers}
    isHeadersEditorEnabled
    // A token stays out of localStorage: it is pasted (or pre-filled) per visit.
    shouldPersistHeaders={false}
    storage={storage}
    defaultEditorToolsVisibility="headers"
  />,
);
