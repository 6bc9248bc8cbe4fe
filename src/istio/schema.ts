/**
 * zod schemas for the Istio resources failsim reads (networking.istio.io v1alpha3, v1beta1, v1):
 * ServiceEntry, DestinationRule, VirtualService. Fields Istio rejects are errors here too (wrong
 * type, bad duration, out-of-range numbers, unknown fields); fields Istio accepts but failsim does
 * not model are accepted as `unknown` and reported as warnings by ./unmodelled.ts.
 */
import * as z from 'zod';
import { parseDurationMs } from '../config/durations.ts';

export const API_VERSIONS = [
  'networking.istio.io/v1alpha3',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1',
] as const;
export const KINDS = ['ServiceEntry', 'DestinationRule', 'VirtualService'] as const;
export type IstioKind = (typeof KINDS)[number];

export const DURATION_MESSAGE = 'expected a duration like 250ms, 15s, 1m, 1h';

/**
 * A protobuf Duration as Istio parses it (Go time.ParseDuration). `minMs` 1 is Istio's
 * ValidateDuration (≥ 1ms, whole milliseconds); 0 allows `0s`.
 */
function duration(minMs: 0 | 1) {
  return z.string({ error: (iss) => (iss.input === undefined ? 'duration is required' : DURATION_MESSAGE) }).superRefine((text, ctx) => {
    const ms = parseDurationMs(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${DURATION_MESSAGE} (got ${JSON.stringify(text)})` });
    } else if (ms < minMs) {
      ctx.addIssue({
        code: 'custom',
        message: minMs === 1 ? `duration must be at least 1ms (got ${JSON.stringify(text)})` : `duration must not be negative (got ${JSON.stringify(text)})`,
      });
    } else if (!Number.isInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: `only durations to ms precision are supported (got ${JSON.stringify(text)})` });
    }
  });
}

const UINT32_MESSAGE = 'expected a non-negative integer (uint32)';
const uint32 = z.number({ error: UINT32_MESSAGE }).int({ error: UINT32_MESSAGE }).min(0, { error: UINT32_MESSAGE }).max(4294967295, { error: UINT32_MESSAGE });
const INT32_MESSAGE = 'expected an integer (int32)';
const int32 = z.number({ error: INT32_MESSAGE }).int({ error: INT32_MESSAGE }).min(-2147483648, { error: INT32_MESSAGE }).max(2147483647, { error: INT32_MESSAGE });
const PERCENT_MESSAGE = 'expected an integer percentage in 0..100';
const percent = z.number({ error: PERCENT_MESSAGE }).int({ error: PERCENT_MESSAGE }).min(0, { error: PERCENT_MESSAGE }).max(100, { error: PERCENT_MESSAGE });
const PORT_MESSAGE = 'expected a port number in 1..65535';
/** agent.ValidatePort's message ("port number %d must be in the range 1..65535"). */
const portNumber = z
  .number({ error: PORT_MESSAGE })
  .int({ error: PORT_MESSAGE })
  .refine((n) => n >= 1 && n <= 65535, { error: (iss) => `port number ${String(iss.input)} must be in the range 1..65535` });
const str = (what = 'a string') => z.string({ error: `expected ${what}` });
const bool = z.boolean({ error: 'expected true or false' });
const stringMap = z.record(z.string(), z.string({ error: 'expected a string value' }), { error: 'expected a map of strings' });
const stringList = z.array(str(), { error: 'expected a list of strings' });
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` });
}
/** Accepted by Istio, not modelled by failsim: kept, type-checked loosely, warned about. */
const unmodelled = z.unknown();

// ---------------------------------------------------------------- ServiceEntry

export const PortSchema = z.strictObject({
  number: portNumber,
  protocol: str().optional(),
  name: str().optional(),
  targetPort: portNumber.optional(),
});

export const WorkloadEntrySchema = z.strictObject({
  address: str().optional(),
  ports: z.record(z.string(), portNumber, { error: 'expected a map of port name to port number' }).optional(),
  labels: stringMap.optional(),
  network: str().optional(),
  locality: str('a locality "region/zone/subzone"').optional(),
  weight: uint32.optional(),
  serviceAccount: unmodelled.optional(),
});

export const ServiceEntrySpecSchema = z.strictObject({
  hosts: z
    .array(str('a host name'), { error: (iss) => (iss.input === undefined ? 'hosts is required' : 'expected a list of host names') })
    .min(1, { error: 'service entry must have at least one host' }),
  addresses: unmodelled.optional(),
  ports: z.array(PortSchema, { error: 'expected a list of ports' }).optional(),
  location: oneOf(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: oneOf(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS']).optional(),
  endpoints: z.array(WorkloadEntrySchema, { error: 'expected a list of endpoints' }).optional(),
  workloadSelector: unmodelled.optional(),
  exportTo: unmodelled.optional(),
  subjectAltNames: unmodelled.optional(),
});

// ---------------------------------------------------------------- DestinationRule

const FailoverSchema = z.strictObject({ from: str(), to: str() });
const DistributeSchema = z.strictObject({
  from: str(),
  to: z.record(z.string(), uint32, { error: 'expected a map of locality to weight' }),
});

export const LocalityLbSettingSchema = z.strictObject({
  enabled: bool.optional(),
  distribute: z.array(DistributeSchema, { error: 'expected a list' }).optional(),
  failover: z.array(FailoverSchema, { error: 'expected a list' }).optional(),
  failoverPriority: stringList.optional(),
});

export const ZoneAwareLbSettingSchema = z.strictObject({
  enabled: bool.optional(),
  failover: z.array(FailoverSchema, { error: 'expected a list' }).optional(),
  failoverPriority: stringList.optional(),
  minClusterSize: uint32.optional(),
});

export const WarmupSchema = z.strictObject({
  duration: duration(1),
  minimumPercent: z
    .number({ error: 'expected a number' })
    .min(0, { error: 'minimumPercent must not be negative' })
    .max(100, { error: 'minimumPercent value should be less than or equal to 100' })
    .optional(),
  aggression: z.number({ error: 'expected a number' }).min(1, { error: 'aggression should be greater than or equal to 1' }).optional(),
});

export const LoadBalancerSchema = z.strictObject({
  simple: oneOf(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']).optional(),
  consistentHash: unmodelled.optional(),
  localityLbSetting: LocalityLbSettingSchema.optional(),
  zoneAwareLbSetting: ZoneAwareLbSettingSchema.optional(),
  warmupDurationSecs: duration(0).optional(),
  warmup: WarmupSchema.optional(),
  backendUtilization: unmodelled.optional(),
});

export const OutlierDetectionSchema = z.strictObject({
  consecutiveErrors: int32.optional(),
  consecutive5xxErrors: uint32.optional(),
  consecutiveGatewayErrors: uint32.optional(),
  consecutiveLocalOriginFailures: uint32.optional(),
  splitExternalLocalOriginErrors: bool.optional(),
  interval: duration(1).optional(),
  baseEjectionTime: duration(1).optional(),
  maxEjectionPercent: percent.optional(),
  minHealthPercent: percent.optional(),
  outlierDetectionHttpErrorCodes: unmodelled.optional(),
});

export const ConnectionPoolSchema = z.strictObject({
  tcp: z
    .strictObject({
      maxConnections: unmodelled.optional(),
      connectTimeout: duration(1).optional(),
      tcpKeepalive: unmodelled.optional(),
      maxConnectionDuration: unmodelled.optional(),
      idleTimeout: unmodelled.optional(),
    })
    .optional(),
  http: z
    .strictObject({
      http1MaxPendingRequests: unmodelled.optional(),
      http2MaxRequests: unmodelled.optional(),
      maxRequestsPerConnection: unmodelled.optional(),
      maxRetries: unmodelled.optional(),
      idleTimeout: unmodelled.optional(),
      h2UpgradePolicy: unmodelled.optional(),
      useClientProtocol: unmodelled.optional(),
      maxConcurrentStreams: unmodelled.optional(),
      http2KeepAlive: unmodelled.optional(),
    })
    .optional(),
});

const policyFields = {
  loadBalancer: LoadBalancerSchema.optional(),
  connectionPool: ConnectionPoolSchema.optional(),
  outlierDetection: OutlierDetectionSchema.optional(),
  tls: unmodelled.optional(),
};

export const PortTrafficPolicySchema = z.strictObject({
  port: z.strictObject({ number: portNumber }),
  ...policyFields,
});

export const TrafficPolicySchema = z.strictObject({
  ...policyFields,
  portLevelSettings: z.array(PortTrafficPolicySchema, { error: 'expected a list' }).optional(),
  tunnel: unmodelled.optional(),
  proxyProtocol: unmodelled.optional(),
  retryBudget: unmodelled.optional(),
});

export const SubsetSchema = z.strictObject({
  name: str('a subset name'),
  labels: stringMap.optional(),
  trafficPolicy: TrafficPolicySchema.optional(),
});

export const DestinationRuleSpecSchema = z.strictObject({
  host: str('a host name'),
  trafficPolicy: TrafficPolicySchema.optional(),
  subsets: z.array(SubsetSchema, { error: 'expected a list of subsets' }).optional(),
  exportTo: unmodelled.optional(),
  workloadSelector: unmodelled.optional(),
});

// ---------------------------------------------------------------- VirtualService

export const HttpRetrySchema = z.strictObject({
  attempts: int32.optional(),
  perTryTimeout: duration(1).optional(),
  retryOn: str('a comma-separated list of retry conditions').optional(),
  retryRemoteLocalities: bool.optional(),
  retryIgnorePreviousHosts: bool.optional(),
  backoff: duration(1).optional(),
});

export const RouteDestinationSchema = z.strictObject({
  destination: z.strictObject({
    host: str('a host name'),
    subset: str().optional(),
    port: z.strictObject({ number: portNumber }).optional(),
  }),
  weight: int32.optional(),
  headers: unmodelled.optional(),
});

export const HttpRouteSchema = z.strictObject({
  name: str().optional(),
  match: unmodelled.optional(),
  route: z.array(RouteDestinationSchema, { error: 'expected a list of destinations' }).optional(),
  redirect: unmodelled.optional(),
  directResponse: unmodelled.optional(),
  delegate: unmodelled.optional(),
  rewrite: unmodelled.optional(),
  timeout: duration(0).optional(),
  retries: HttpRetrySchema.optional(),
  fault: unmodelled.optional(),
  mirror: unmodelled.optional(),
  mirrors: unmodelled.optional(),
  mirrorPercentage: unmodelled.optional(),
  mirrorPercent: unmodelled.optional(),
  mirror_percent: unmodelled.optional(),
  corsPolicy: unmodelled.optional(),
  headers: unmodelled.optional(),
});

export const VirtualServiceSpecSchema = z.strictObject({
  hosts: stringList.optional(),
  gateways: unmodelled.optional(),
  http: z.array(HttpRouteSchema, { error: 'expected a list of HTTP routes' }).optional(),
  tls: unmodelled.optional(),
  tcp: unmodelled.optional(),
  exportTo: unmodelled.optional(),
});

// ---------------------------------------------------------------- envelope

export const MetadataSchema = z.looseObject({
  name: str('a resource name'),
  namespace: str().optional(),
});

export function envelopeSchema<T extends z.ZodTypeAny>(spec: T) {
  return z.strictObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: MetadataSchema,
    spec,
    status: z.unknown().optional(),
  });
}

export const ServiceEntryDocSchema = envelopeSchema(ServiceEntrySpecSchema);
export const DestinationRuleDocSchema = envelopeSchema(DestinationRuleSpecSchema);
export const VirtualServiceDocSchema = envelopeSchema(VirtualServiceSpecSchema);

export type ServiceEntrySpec = z.infer<typeof ServiceEntrySpecSchema>;
export type WorkloadEntry = z.infer<typeof WorkloadEntrySchema>;
export type ServicePort = z.infer<typeof PortSchema>;
export type DestinationRuleSpec = z.infer<typeof DestinationRuleSpecSchema>;
export type TrafficPolicy = z.infer<typeof TrafficPolicySchema>;
export type PortTrafficPolicy = z.infer<typeof PortTrafficPolicySchema>;
export type LoadBalancerSettings = z.infer<typeof LoadBalancerSchema>;
export type LocalityLbSetting = z.infer<typeof LocalityLbSettingSchema>;
export type ZoneAwareLbSetting = z.infer<typeof ZoneAwareLbSettingSchema>;
export type OutlierDetection = z.infer<typeof OutlierDetectionSchema>;
export type ConnectionPool = z.infer<typeof ConnectionPoolSchema>;
export type Subset = z.infer<typeof SubsetSchema>;
export type VirtualServiceSpec = z.infer<typeof VirtualServiceSpecSchema>;
export type HttpRoute = z.infer<typeof HttpRouteSchema>;
export type HttpRetry = z.infer<typeof HttpRetrySchema>;
