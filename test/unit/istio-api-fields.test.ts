/**
 * Every field of the current istio/api DestinationRule, ServiceEntry and VirtualService (the CRD
 * schema Istio ships, copied as a path list under test/fixtures/istio-api) is accepted by failsim's
 * reader: modelled, or kept as an accepted-but-unmodelled field that is warned about. None is an
 * "unknown field" error (issue 15 item 7).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { DestinationRuleSpecSchema, ServiceEntrySpecSchema, VirtualServiceSpecSchema } from '../../src/istio/schema.ts';

const data = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/istio-api/crd-field-paths.json', import.meta.url)), 'utf8')) as {
  kinds: Record<string, string[]>;
};

type Node = z.ZodTypeAny | 'any' | undefined;
interface Def {
  type: string;
  innerType?: z.ZodTypeAny;
  in?: z.ZodTypeAny;
  element?: z.ZodTypeAny;
  valueType?: z.ZodTypeAny;
  shape?: Record<string, z.ZodTypeAny>;
  options?: z.ZodTypeAny[];
}
const def = (s: z.ZodTypeAny): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema for one path segment below `s` (`[]` a list item, `{}` a map value). */
function child(node: Node, segment: string): Node {
  if (node === undefined || node === 'any') return node;
  let s = node;
  for (let d = def(s); ; d = def(s)) {
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default') && d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else break;
  }
  const d = def(s);
  if (d.type === 'unknown' || d.type === 'any') return 'any';
  if (segment === '[]') return d.type === 'array' ? d.element : undefined;
  if (segment === '{}') return d.type === 'record' ? d.valueType : undefined;
  if (d.type === 'object') return d.shape?.[segment];
  return undefined;
}

const SCHEMAS: Record<string, z.ZodTypeAny> = {
  DestinationRule: DestinationRuleSpecSchema,
  ServiceEntry: ServiceEntrySpecSchema,
  VirtualService: VirtualServiceSpecSchema,
};

describe('current istio/api fields are accepted, never rejected as unknown', () => {
  for (const [kind, paths] of Object.entries(data.kinds)) {
    test(`${kind}: all ${paths.length} CRD field paths`, () => {
      expect(paths.length).toBeGreaterThan(10);
      const missing = paths.filter((p) => p.split('.').reduce<Node>((n, seg) => child(n, seg), SCHEMAS[kind]) === undefined);
      expect(missing).toEqual([]);
    });
  }
});
