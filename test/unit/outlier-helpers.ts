/** Test helpers for the outlier detector tests (not a test file itself). */
import { ScriptedIntegers, type IntegerSource } from '../../src/engine/random.ts';
import type { OutlierDetectionInput } from '../../src/envoy/cluster.ts';
import { resolveOutlierConfig } from '../../src/envoy/outlier/config.ts';
import { OutlierDetector, type DispatchMode } from '../../src/envoy/outlier/detector.ts';
import { OutlierEventLog } from '../../src/envoy/outlier/event-log.ts';
import { semanticsForOutlierProfile, type OutlierProfileId } from '../../src/envoy/profiles.ts';

export interface Built {
  d: OutlierDetector;
  log: OutlierEventLog;
  slots: number[];
}

export function build(
  input: OutlierDetectionInput,
  opts: { profile?: OutlierProfileId; hosts?: number; random?: IntegerSource; enforcementRandom?: IntegerSource; dispatch?: DispatchMode } = {},
): Built {
  const profile = semanticsForOutlierProfile(opts.profile ?? '1.31+').outlier;
  const log = new OutlierEventLog();
  const d = new OutlierDetector({
    config: resolveOutlierConfig(input, profile),
    profile,
    random: opts.random ?? new ScriptedIntegers([]),
    enforcementRandom: opts.enforcementRandom,
    dispatch: opts.dispatch,
    eventSink: log,
  });
  const slots: number[] = [];
  for (let i = 0; i < (opts.hosts ?? 1); i++) slots.push(d.addHost(`h${i}`));
  return { d, log, slots };
}

export function http(d: OutlierDetector, slot: number, code: number, n: number, now: number): void {
  for (let i = 0; i < n; i++) d.putHttpResponseCode(slot, code, now);
}
