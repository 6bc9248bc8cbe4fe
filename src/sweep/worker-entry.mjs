// Worker-thread entry for the sweep pool. Hooks that bin/failsim.mjs registers with tsx's register()
// apply to the main thread only (Node 20 does not pass module.register hooks to workers), so each
// worker registers tsx itself before importing the TypeScript run function.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./run-job.ts');
export default mod.executeRun;
