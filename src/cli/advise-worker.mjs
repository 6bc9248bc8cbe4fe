// Worker-thread entry for check/tune runs (src/advise/job.ts), as src/sweep/worker-entry.mjs is for
// sweeps: tsx is registered in each worker before the TypeScript job function is imported.
import { register } from 'tsx/esm/api';

register();
const mod = await import('../advise/job.ts');
export default mod.runBatteryJob;
