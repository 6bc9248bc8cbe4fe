/** One checked (vector, profile) pair. `differences` is empty when it passed. */
export interface CaseResult {
  file: string;
  vector: string;
  /** The profile (outlier vectors) or version restriction it ran under, if any. */
  profile?: string;
  differences: string[];
}

/** A replay function for one LB/Istio vector category: returns the differences found. */
export type CategoryReplay = (vector: any) => string[];
