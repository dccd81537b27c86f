#!/usr/bin/env node
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'src', 'cli.js');
if (!existsSync(cli)) {
  console.error('Northstar is not built yet: run `npm run build` (npm ci does it through `prepare`).');
  process.exit(1);
}
require(cli)
  .runCli(process.argv.slice(2))
  .then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
