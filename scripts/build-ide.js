// Bundles the GraphQL IDE (ide/index.tsx: GraphiQL, React, CodeMirror, fonts) into dist/ide/ide.js and
// dist/ide/ide.css, so that the page src/http/ide.ts serves needs nothing from outside this server.
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');

esbuild
  .build({
    entryPoints: { ide: join(root, 'ide', 'index.tsx') },
    outdir: join(root, 'dist', 'ide'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Fonts and icons stay inside the CSS as data: URLs; nothing refers to a CDN.
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl' },
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
