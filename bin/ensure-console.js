#!/usr/bin/env node
'use strict';
// `npm start` serves the built console; build it once if this checkout has not (e.g. installed with --ignore-scripts).
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const index = path.join(__dirname, '..', 'dist', 'console', 'index.html');
if (!existsSync(index)) {
  process.stdout.write('building the console (first start only)…\n');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: path.join(__dirname, '..') });
  process.exit(r.status ?? 1);
}
