import { describe, expect, test } from 'vitest';
import { parseSlo } from '../../src/advise/slo.ts';
import { distance, isLocal, readWorld, DEFAULT_WORLD } from '../../src/advise/world.ts';
import { parseEndpointsFlag } from '../../src/mesh/endpoints-flag.ts';

const loc = (region: string, zone = '', subzone = '') => ({ region, zone, subzone });

describe('advise building blocks', () => {
  test('--slo: percentage and window; bad values are errors', () => {
    expect(parseSlo([])).toMatchObject({ errorRate: 0.001, windowMs: 86_400_000 });
    expect(parseSlo(['errorRate=0.05%,window=30d'])).toMatchObject({ errorRate: 0.0005, windowMs: 30 * 86_400_000, text: 'errorRate=0.05%,window=30d' });
    expect(parseSlo(['window=12h', 'errorRate=1%'])).toMatchObject({ errorRate: 0.01, windowMs: 43_200_000 });
    expect(() => parseSlo(['errorRate=0%'])).toThrow(/above 0 and below 100/);
    expect(() => parseSlo(['latency=5ms'])).toThrow(/expected errorRate=P%/);
    expect(() => parseSlo(['window=10s'])).toThrow(/at least 1m/);
  });

  test('distance and locality of an endpoint seen from a client', () => {
    const client = loc('us-east1', 'us-east1-b');
    expect(distance(client, loc('us-east1', 'us-east1-b'))).toBe('sameZone');
    expect(distance(client, loc('us-east1'))).toBe('sameZone'); // only a region: nothing says it is farther
    expect(distance(client, loc('us-east1', 'us-east1-c'))).toBe('sameRegion');
    expect(distance(client, loc('us-west1', 'us-west1-a'))).toBe('crossRegion');
    expect(distance(client, null)).toBe('crossRegion');
    expect(isLocal(client, loc('us-east1'))).toBe(true);
    expect(isLocal(client, loc('us-east1', 'us-east1-c'))).toBe(false);
    expect(isLocal(loc('r', 'z', 's1'), loc('r', 'z', 's2'))).toBe(false);
  });

  test('a world file overrides only what it gives', () => {
    const w = readWorld({ latency: { crossRegion: { constant: '90ms' } }, clients: { replicas: 6 } }, 'world.yaml');
    expect(w.latency.sameZone).toEqual(DEFAULT_WORLD.latency.sameZone);
    expect(w.latency.crossRegion).toEqual({ constant: '90ms' });
    expect(w.clients).toEqual({ replicas: 6, rate: '300/s' });
    expect(() => readWorld({ latency: { farAway: {} } }, 'world.yaml')).toThrow(/world\.yaml: latency\.farAway: unknown field/);
  });

  test('--endpoints: localities and counts', () => {
    expect(parseEndpointsFlag('reviews=us-east1/us-east1-b:3,us-east1/us-east1-c')).toMatchObject({
      host: 'reviews',
      groups: [
        { localityText: 'us-east1/us-east1-b', count: 3 },
        { localityText: 'us-east1/us-east1-c', count: 1 },
      ],
    });
    expect(() => parseEndpointsFlag('reviews')).toThrow(/expected host=region\/zone:count/);
    expect(() => parseEndpointsFlag('reviews=us-east1/b:0')).toThrow(/count must be 1 to 1000/);
  });
});
