/** Imports every module that registers conformance categories (load-balancing.json). */
