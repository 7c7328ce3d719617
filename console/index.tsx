// The operator console's script, bundled by scripts/build-console.js into dist/console so that nothing
// is fetched from outside this server; src/http/console.ts serves the page.
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './console.css';

/** What the server writes into the page: a JSON data block, not a script. */
interface ConsolePageConfig {
  /** Only in development, and only for a visitor on this machine: the token main.ts printed. */
  developmentToken?: string;
}

function readPageConfig(): ConsolePageConfig {
  const block = document.getElementById('wave-console-config');
  return block?.textContent ? (JSON.parse(block.textContent) as ConsolePageConfig) : {};
}

createRoot(document.getElementById('console')!).render(<App developmentToken={readPageConfig().developmentToken} />);
