// Bundles the operator console (console/index.tsx: React, Apollo Client, graphql-ws) into
// dist/console/console.js and dist/console/console.css, so that the page src/http/console.ts serves
// needs nothing from outside this server. The gzipped size of console.js is stated in the README and
// checked by test/console/bundle-size.test.ts.
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');

esbuild
  .build({
    entryPoints: { console: join(root, 'console', 'index.tsx') },
    outdir: join(root, 'dist', 'console'),
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    jsx: 'automatic',
    // Apollo Client's development-only checks and messages are dropped with React's.
    define: { 'process.env.NODE_ENV': '"production"', __DEV__: 'false' },
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
