#!/usr/bin/env node
// `npm run bench`: registers tsx (as bin/failsim.mjs does) and runs bench/run-bench.ts.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run-bench.ts');
