/**
 * The world `failsim check` builds around a mesh: each endpoint's latency by its distance from the
 * client (same zone, same region, another region), the client sidecars and their traffic. Every
 * value has a default; a small world file overrides any of them (docs/check.md).
 */
import * as z from 'zod';
import { UserError } from '../config/errors.ts';
import { formatPath, issueMessages } from '../config/issues.ts';
import type { Locality } from '../envoy/cluster.ts';

/** A latency model as a scenario writes it (docs/scenario.md), e.g. `{ lognormal: { median: 5ms, p99: 25ms } }`. */
export type LatencyModel = Record<string, unknown>;
export type Distance = 'sameZone' | 'sameRegion' | 'crossRegion';
export const DISTANCES: readonly Distance[] = ['sameZone', 'sameRegion', 'crossRegion'];

export interface World {
  latency: Record<Distance, LatencyModel>;
  /** How long a refused connection takes to fail: one round trip at that distance. */
  connectRefusedDelay: Record<Distance, string>;
  clients: { replicas: number; rate: string };
  /** Per endpoint address: its own latency model (and refusal delay), whatever the distance. */
  endpoints: Record<string, { latency?: LatencyModel; connectRefusedDelay?: string }>;
}

/**
 * Defaults: a service answering in ~5 ms (p99 25 ms) in the client's zone, +1 ms across zones of a
 * region, and ~70 ms (p99 120 ms) from another region (the seed article's cross-region figures);
 * three sidecars sending 300 requests/s in all, per client locality.
 */
export const DEFAULT_WORLD: World = {
  latency: {
    sameZone: { lognormal: { median: '5ms', p99: '25ms' } },
    sameRegion: { lognormal: { median: '6ms', p99: '27ms' } },
    crossRegion: { lognormal: { median: '70ms', p99: '120ms' } },
  },
  connectRefusedDelay: { sameZone: '1ms', sameRegion: '2ms', crossRegion: '70ms' },
  clients: { replicas: 3, rate: '300/s' },
  endpoints: {},
};

const latency = z.record(z.string(), z.unknown(), { error: 'expected a latency model like { lognormal: { median: 5ms, p99: 25ms } }' });
const byDistance = <T extends z.ZodTypeAny>(t: T) => z.strictObject({ sameZone: t.optional(), sameRegion: t.optional(), crossRegion: t.optional() });
const duration = z.string({ error: 'expected a duration like 1ms, 70ms' });

const WorldFileSchema = z.strictObject({
  latency: byDistance(latency).optional(),
  connectRefusedDelay: byDistance(duration).optional(),
  clients: z
    .strictObject({
      replicas: z.number({ error: 'expected an integer from 1 to 100' }).int().min(1).max(100).optional(),
      rate: z.string({ error: 'expected a rate like 300/s' }).optional(),
    })
    .optional(),
  endpoints: z.record(z.string(), z.strictObject({ latency: latency.optional(), connectRefusedDelay: duration.optional() })).optional(),
});

/** The defaults with a world file's values over them (the file's value parsed from YAML). */
export function readWorld(value: unknown, file: string): World {
  const parsed = WorldFileSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const lines = issueMessages(parsed.error.issues).map((m) => `${file}: ${m}`);
    throw new UserError(lines.slice(0, 10).join('\n'));
  }
  const w = parsed.data;
  return {
    latency: { ...DEFAULT_WORLD.latency, ...stripUndefined(w.latency) } as World['latency'],
    connectRefusedDelay: { ...DEFAULT_WORLD.connectRefusedDelay, ...stripUndefined(w.connectRefusedDelay) } as World['connectRefusedDelay'],
    clients: { ...DEFAULT_WORLD.clients, ...stripUndefined(w.clients) },
    endpoints: (w.endpoints ?? {}) as World['endpoints'],
  };
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * How far an endpoint is from a client: the same region and zone (as far as the endpoint's
 * locality says: an endpoint with only a region is in the client's zone's region), the same region,
 * or another region.
 */
export function distance(client: Locality, endpoint: Locality | null): Distance {
  if (!endpoint || endpoint.region !== client.region) return 'crossRegion';
  if (endpoint.zone !== '' && endpoint.zone !== client.zone) return 'sameRegion';
  return 'sameZone';
}

/** Is the endpoint in the client's locality (at the depth the endpoint's locality is given)? */
export function isLocal(client: Locality, endpoint: Locality | null): boolean {
  if (!endpoint || endpoint.region !== client.region) return false;
  if (endpoint.zone !== '' && endpoint.zone !== client.zone) return false;
  return endpoint.subzone === '' || endpoint.subzone === client.subzone;
}

export { formatPath };
