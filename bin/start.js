#!/usr/bin/env node
'use strict';
// `npm start`: rebuild only when a source is newer than the last build, then run the demo.
const { existsSync, readdirSync, statSync, utimesSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.tsbuildinfo');

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const sources = ['src', 'migrations', 'bench', 'scripts', 'ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (sources.some((s) => newest(join(root, s)) > built)) {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // tsc leaves the stamp alone when nothing changed; mark this build as current.
  const now = new Date();
  if (existsSync(stamp)) utimesSync(stamp, now, now);
}
require(join(root, 'dist', 'src', 'main.js'));
