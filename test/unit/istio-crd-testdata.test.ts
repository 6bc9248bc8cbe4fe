/**
 * Istio's own CRD validation test data (istio/istio 1.28.0 pkg/config/validation/testdata/crds,
 * copied under test/fixtures/istio-validation with its source and licence): every valid
 * DestinationRule and ServiceEntry loads, every invalid one is rejected with the problem named.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseIstioYaml } from '../../src/istio/load.ts';

interface Case {
  name: string;
  text: string;
  err: string | undefined;
}

function cases(file: string): Case[] {
  const path = fileURLToPath(new URL(`../fixtures/istio-validation/${file}`, import.meta.url));
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object')
    .map((d) => {
      const { _err, ...doc } = d;
      return { name: String((doc.metadata as { name?: string })?.name), text: JSON.stringify(doc), err: _err as string | undefined };
    });
}

/**
 * `_err` is the CRD schema's message; failsim reports the webhook's (validation.go 1.28.0) or its own
 * schema's message for the same rule. Each entry: the text failsim's error must contain.
 */
const WEBHOOK_MESSAGE: Record<string, RegExp> = {
  'spec.trafficPolicy.loadBalancer.warmup.minimumPercent: Invalid value': /spec\.trafficPolicy\.loadBalancer\.warmup\.minimumPercent: minimumPercent value should be less than or equal to 100/,
  'spec.trafficPolicy.loadBalancer.warmup.duration: Required value': /spec\.trafficPolicy\.loadBalancer\.warmup\.duration: duration is required/,
  'spec.trafficPolicy.loadBalancer.warmup.aggression: Invalid value': /spec\.trafficPolicy\.loadBalancer\.warmup\.aggression: aggression should be greater than or equal to 1/,
  'spec: Required value': /\): spec: spec is required/,
  'spec.hosts: Required value': /spec\.hosts: hosts is required/,
  'wildcard is not supported in selector': /spec\.workloadSelector\.labels\.val: wildcard is not supported in selector: "val=\*"/,
  'only one of WorkloadSelector or Endpoints can be set': /spec: only one of WorkloadSelector or Endpoints is allowed in Service Entry/,
  'hostname cannot be wildcard': /spec\.hosts\[0\]: invalid host \*/,
  'CIDR addresses are allowed only for NONE/STATIC resolution types': /spec\.addresses: CIDR addresses are allowed only for NONE\/STATIC resolution types/,
  'Duplicate value': /spec\.ports\[1\]\.name: service entry port name "a" already defined/,
  'port number cannot be duplicated': /spec\.ports\[1\]\.number: service entry port 1 already defined/,
  'port must be between 1-65535': /spec\.ports\[0\]\.(number|targetPort): port number \d+ must be in the range 1\.\.65535/,
  'NONE mode cannot set endpoints': /spec\.endpoints: no endpoints should be provided for resolution type none/,
  'DNS_ROUND_ROBIN mode cannot have multiple endpoints': /spec\.endpoints: there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN/,
};

for (const kind of ['destinationrule', 'serviceentry']) {
  describe(`${kind}: Istio's valid CRD test data loads`, () => {
    // serviceentry `full` is checked by the test after this loop.
    for (const c of cases(`${kind}-valid.yaml`).filter((x) => !(kind === 'serviceentry' && x.name === 'full'))) {
      test(c.name, () => {
        expect(() => parseIstioYaml(c.text, `${kind}-valid.yaml`)).not.toThrow();
      });
    }
    if (kind === 'serviceentry') {
      // The one document YAML parsers disagree on: `addresses: [1.2.3.4, 001:db8::]`. Under YAML 1.2's
      // flow rules (the \`yaml\` library) a ':' before ']' is a mapping indicator, so the second item
      // is the mapping {"001:db8:": null}; Go's YAML reader gives the string. failsim names the
      // problem, and loads the document with the address as the string Istio sees.
      test('full: the unquoted IPv6 address in a flow list is a YAML-level difference, reported as such', () => {
        const full = cases('serviceentry-valid.yaml').find((c) => c.name === 'full')!;
        const doc = JSON.parse(full.text);
        expect(doc.spec.addresses[1]).toEqual({ '001:db8:': null });
        expect(() => parseIstioYaml(full.text, 'x.yaml')).toThrow(/spec\.addresses\[1\]: expected an IP address or CIDR block \(YAML read a mapping/);
        doc.spec.addresses[1] = '001:db8::';
        expect(() => parseIstioYaml(JSON.stringify(doc), 'x.yaml')).not.toThrow();
      });
    }
  });
  describe(`${kind}: Istio's invalid CRD test data is rejected with its error`, () => {
    const invalid = cases(`${kind}-invalid.yaml`);
    test('every invalid document names its expected error', () => {
      expect(invalid.length).toBeGreaterThan(0);
      for (const c of invalid) expect(WEBHOOK_MESSAGE[c.err!], `no mapping for ${c.err}`).toBeDefined();
    });
    for (const c of invalid) {
      test(`${c.name}: ${c.err}`, () => {
        expect(() => parseIstioYaml(c.text, `${kind}-invalid.yaml`)).toThrow(WEBHOOK_MESSAGE[c.err!]);
      });
    }
  });
}
