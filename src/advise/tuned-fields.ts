/**
 * The fields `failsim tune` varies: the DestinationRule's outlierDetection fields and, when the route
 * has a retries block, its VirtualService retry fields. A module of its own so that the CLI can name
 * them in `tune --help` without loading the search (./tune.ts).
 */
export const OUTLIER_FIELDS = ['consecutive5xxErrors', 'consecutiveGatewayErrors', 'interval', 'baseEjectionTime', 'maxEjectionPercent'] as const;
/** The VirtualService http route's `retries` fields tune varies when the route has a retries block. */
export const RETRY_FIELDS = ['attempts', 'perTryTimeout', 'retryRemoteLocalities'] as const;
export const TUNED_FIELDS = [...OUTLIER_FIELDS, ...RETRY_FIELDS] as const;
export type TunedField = (typeof TUNED_FIELDS)[number];
type RetryField = (typeof RETRY_FIELDS)[number];

export const isRetryField = (f: TunedField): f is RetryField => (RETRY_FIELDS as readonly string[]).includes(f);
