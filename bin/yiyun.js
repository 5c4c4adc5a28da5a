#!/usr/bin/env node
'use strict';
// The CLI is TypeScript run through tsx's CommonJS hook: one source of truth, no separate build step.
require('tsx/cjs');
require('../platform/cli/main.ts').main(process.argv);
