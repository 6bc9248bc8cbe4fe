/** Imports every module that registers conformance categories (load-balancing.json). */
import './istio-replay.ts';
import './outlier-max-ejection-replay.ts';
import './lb-replay.ts';
import './router-replay.ts';
