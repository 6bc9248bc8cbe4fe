/**
 * Fields Istio accepts but failsim does not model. Each one present in a resource becomes a
 * warning with a code, the path and what failsim does instead — never silence.
 */
import type { IstioKind } from './schema.ts';
import { formatPath, type IstioWarning } from './diagnostics.ts';

interface Rule {
  /** Path relative to `spec`; `*` matches any list index or map key. */
  pattern: string[];
  reason: string;
}

const POLICY_RULES: Rule[] = [
  { pattern: ['tls'], reason: 'TLS settings do not change endpoint selection, outlier detection or retries' },
  { pattern: ['loadBalancer', 'backendUtilization'], reason: 'backend-utilization (ORCA) weighting is not modelled; failsim uses the simple policy' },
  { pattern: ['loadBalancer', 'consistentHash'], reason: 'consistent-hash load balancing is not modelled; failsim uses the default policy, and Istio drops the previous_hosts retry predicate on such routes' },
  { pattern: ['connectionPool', 'tcp', 'maxConnections'], reason: 'circuit breakers are not modelled (failsim behaves as with unlimited connections)' },
  { pattern: ['connectionPool', 'tcp', 'tcpKeepalive'], reason: 'TCP keepalive is not modelled' },
  { pattern: ['connectionPool', 'tcp', 'maxConnectionDuration'], reason: 'connection lifetime is not modelled' },
  { pattern: ['connectionPool', 'tcp', 'idleTimeout'], reason: 'connection idle timeout is not modelled' },
  { pattern: ['connectionPool', 'http', '*'], reason: 'HTTP connection-pool limits (circuit breakers) are not modelled; failsim behaves as with Istio defaults (2^32-1)' },
  { pattern: ['outlierDetection', 'outlierDetectionHttpErrorCodes'], reason: 'custom outlier error codes (Envoy 1.36 error_matcher) are not modelled; 5xx rules apply' },
  { pattern: ['tunnel'], reason: 'tunnel settings are not modelled' },
  { pattern: ['proxyProtocol'], reason: 'PROXY protocol is not modelled' },
  { pattern: ['retryBudget'], reason: 'retry budgets are not modelled (retries are limited only by num_retries)' },
];

const RULES: Record<IstioKind, Rule[]> = {
  ServiceEntry: [
    { pattern: ['addresses'], reason: 'virtual IPs do not change endpoint selection' },
    { pattern: ['workloadSelector'], reason: 'WorkloadEntry selection is not modelled; list endpoints inline' },
    { pattern: ['exportTo'], reason: 'visibility is not modelled: every resource in the file applies to every client' },
    { pattern: ['subjectAltNames'], reason: 'SAN verification is not modelled' },
    { pattern: ['endpoints', '*', 'serviceAccount'], reason: 'service accounts are not modelled' },
  ],
  DestinationRule: [
    { pattern: ['exportTo'], reason: 'visibility is not modelled: the rule applies to every client' },
    { pattern: ['workloadSelector'], reason: 'workload selection is not modelled: the rule applies to every client' },
    ...POLICY_RULES.map((r) => ({ ...r, pattern: ['trafficPolicy', ...r.pattern] })),
    ...POLICY_RULES.map((r) => ({ ...r, pattern: ['trafficPolicy', 'portLevelSettings', '*', ...r.pattern] })),
    ...POLICY_RULES.map((r) => ({ ...r, pattern: ['subsets', '*', 'trafficPolicy', ...r.pattern] })),
    ...POLICY_RULES.map((r) => ({ ...r, pattern: ['subsets', '*', 'trafficPolicy', 'portLevelSettings', '*', ...r.pattern] })),
  ],
  VirtualService: [
    { pattern: ['tls'], reason: 'TLS routes are not modelled' },
    { pattern: ['tcp'], reason: 'TCP routes are not modelled' },
    { pattern: ['exportTo'], reason: 'visibility is not modelled' },
    { pattern: ['http', '*', 'match'], reason: 'match conditions are not modelled: the first route to a host applies to all its traffic' },
    { pattern: ['http', '*', 'redirect'], reason: 'redirects are not modelled' },
    { pattern: ['http', '*', 'directResponse'], reason: 'direct responses are not modelled' },
    { pattern: ['http', '*', 'delegate'], reason: 'delegation is not modelled' },
    { pattern: ['http', '*', 'rewrite'], reason: 'rewrites do not change endpoint selection' },
    { pattern: ['http', '*', 'fault'], reason: "fault injection is not modelled here: describe failures with failsim's faults" },
    { pattern: ['http', '*', 'mirror'], reason: 'mirroring is not modelled' },
    { pattern: ['http', '*', 'mirrors'], reason: 'mirroring is not modelled' },
    { pattern: ['http', '*', 'mirrorPercentage'], reason: 'mirroring is not modelled' },
    { pattern: ['http', '*', 'mirrorPercent'], reason: 'mirroring is not modelled' },
    { pattern: ['http', '*', 'mirror_percent'], reason: 'mirroring is not modelled' },
    { pattern: ['http', '*', 'corsPolicy'], reason: 'CORS is not modelled' },
    { pattern: ['http', '*', 'headers'], reason: 'header manipulation is not modelled' },
    { pattern: ['http', '*', 'route', '*', 'headers'], reason: 'header manipulation is not modelled' },
  ],
};

function find(value: unknown, pattern: string[], at: (string | number)[], out: (string | number)[][]): void {
  if (pattern.length === 0) {
    if (value !== undefined) out.push(at);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const [head, ...rest] = pattern;
  if (head === '*') {
    if (Array.isArray(value)) value.forEach((v, i) => find(v, rest, [...at, i], out));
    else for (const [k, v] of Object.entries(value)) find(v, rest, [...at, k], out);
    return;
  }
  if (Array.isArray(value)) return;
  find((value as Record<string, unknown>)[head], rest, [...at, head], out);
}

export function unmodelledFieldWarnings(kind: IstioKind, spec: unknown): IstioWarning[] {
  const warnings: IstioWarning[] = [];
  for (const rule of RULES[kind]) {
    const hits: (string | number)[][] = [];
    find(spec, rule.pattern, [], hits);
    for (const pathParts of hits) {
      const path = formatPath(['spec', ...pathParts]);
      warnings.push({ code: 'unmodelled-field', message: `${path} is accepted by Istio but not modelled by failsim: ${rule.reason}`, path, pathParts });
    }
  }
  return warnings;
}
