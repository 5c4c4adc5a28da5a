'use strict';
// The pack's entry as Pulumi runs it (`main` in package.json, cwd = this directory). Its TypeScript (and the
// policies/ and core/ modules it imports) loads through tsx, as bin/yiyun.js does, rather than through the
// type-checking ts-node that Pulumi's runner would register for a .ts entry. Dependencies resolve from the
// repository's node_modules: run `npm ci` at the root first.
require('tsx/cjs');
require('./index.ts');
