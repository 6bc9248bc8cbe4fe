/**
 * `--endpoints host=region/zone[/subzone]:count,...`: endpoints for a host the files give none for
 * (a DestinationRule without the pods behind it), `count` endpoints per locality (1 when omitted).
 */
import { UserError } from '../config/errors.ts';
import type { Locality } from '../envoy/cluster.ts';
import { parseLocality } from '../istio/locality.ts';

export interface EndpointsFlag {
  host: string;
  groups: { locality: Locality; localityText: string; count: number }[];
  /** The flag as given, for messages. */
  text: string;
}

const USAGE = 'expected host=region/zone:count,... (e.g. reviews.default.svc.cluster.local=us-east1/us-east1-b:3,us-east1/us-east1-c:3)';

export function parseEndpointsFlag(text: string): EndpointsFlag {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError(`--endpoints ${text}: ${USAGE}`);
  const host = text.slice(0, eq).trim();
  const groups = text
    .slice(eq + 1)
    .split(',')
    .map((part) => {
      const m = /^\s*([^:\s]+)(?::(\d+))?\s*$/.exec(part);
      if (!m) throw new UserError(`--endpoints ${text}: "${part}": ${USAGE}`);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (!(count >= 1 && count <= 1000)) throw new UserError(`--endpoints ${text}: "${part}": the count must be 1 to 1000`);
      const locality = parseLocality(m[1]);
      if (locality.region === '') throw new UserError(`--endpoints ${text}: "${part}": a locality needs at least a region`);
      return { locality, localityText: m[1], count };
    });
  return { host, groups, text };
}

/** Endpoint names for a flag's group: `<first label of the host>-<zone or region>-<i>`. */
export function flagEndpointAddress(host: string, locality: Locality, i: number): string {
  const short = host.split('.')[0];
  const where = locality.subzone || locality.zone || locality.region;
  return `${short}-${where}-${i}`;
}
