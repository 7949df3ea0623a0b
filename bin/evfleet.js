#!/usr/bin/env node
// React ships a development reconciler that is several times slower to load; the console always runs the production build.
process.env.NODE_ENV ??= 'production';
await import('../dist/cli.js');
