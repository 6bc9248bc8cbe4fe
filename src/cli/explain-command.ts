/**
 * `failsim explain <scenario-or-istio-or-envoy-yaml> [--client-locality r/z/s]... [--istio 1.x | --envoy 1.x] [--cluster name] [--json]`:
 * the effective Envoy cluster each client locality gets from the user's Istio YAML (or the cluster
 * of a plain Envoy file, docs/envoy-config.md), with Envoy's defaults filled in and warnings for the
 * known traps. See docs/explain.md.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { resolveVersions, type ResolvedVersions } from '../envoy/profiles.ts';
import type { Locality } from '../envoy/cluster.ts';
import { IstioConfigError } from '../istio/diagnostics.ts';
import { loadIstioFile } from '../istio/load.ts';
import { parseLocality, formatLocality } from '../istio/locality.ts';
import { explainIstio, type ExplainReport } from '../istio/explain.ts';
import { explainEnvoy } from '../istio/explain-envoy.ts';
import { isEnvoyConfigDocument, loadEnvoyConfigFile } from '../envoy/config/document.ts';
import { formatDurationMs } from '../config/durations.ts';
import { OutlierConfigError } from '../envoy/outlier/config.ts';
import { UserError } from './errors.ts';
import type { CommandContext } from './main.ts';

interface ExplainOpts {
  clientLocality?: string[];
  istio?: string;
  envoy?: string;
  cluster?: string;
  json?: boolean;
}

/** What explain reads from a scenario file (the scenario schema itself is src/config's). */
interface ScenarioKeys {
  /** The file the scenario's istio: or envoy: key names. */
  configPath: string;
  kind: 'istio' | 'envoy';
  localities: string[];
  versions: { istio?: string; envoy?: string };
}

function readScenarioKeys(file: string): ScenarioKeys | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let first: unknown;
  try {
    // Only the first document can be a scenario; an Istio file may have several.
    first = parseYaml(text.split(/^---\s*$/m).find((d) => d.trim() !== '') ?? '');
  } catch {
    return undefined; // not a scenario; the Istio loader reports the YAML error with its location
  }
  if (first === null || typeof first !== 'object' || Array.isArray(first) || !('istio' in first || 'envoy' in first)) return undefined;
  const s = first as { istio?: unknown; envoy?: unknown; clients?: unknown; versions?: unknown };
  const kind = 'istio' in s ? 'istio' : 'envoy';
  if (typeof s[kind] !== 'string') {
    throw new UserError(`${file}: ${kind}: expected the path of ${kind === 'istio' ? 'an Istio' : 'an Envoy cluster'} YAML file (relative to the scenario)`);
  }
  const localities: string[] = [];
  if (s.clients !== undefined) {
    if (!Array.isArray(s.clients)) throw new UserError(`${file}: clients: expected a list`);
    s.clients.forEach((c, i) => {
      const loc = (c as { locality?: unknown } | null)?.locality;
      if (loc === undefined) return;
      if (typeof loc !== 'string') throw new UserError(`${file}: clients[${i}].locality: expected "region/zone/subzone"`);
      if (!localities.includes(loc)) localities.push(loc);
    });
  }
  const versions: { istio?: string; envoy?: string } = {};
  if (s.versions !== undefined) {
    if (s.versions === null || typeof s.versions !== 'object') throw new UserError(`${file}: versions: expected a mapping like { istio: "1.28" }`);
    const v = s.versions as Record<string, unknown>;
    for (const k of ['istio', 'envoy'] as const) {
      if (v[k] === undefined) continue;
      if (typeof v[k] !== 'string' && typeof v[k] !== 'number') throw new UserError(`${file}: versions.${k}: expected a version like "1.28"`);
      versions[k] = String(v[k]);
    }
  }
  return { configPath: resolve(dirname(file), s[kind] as string), kind, localities, versions };
}

/** A file that is not a scenario: Envoy config, or (by default) Istio resources. */
function isEnvoyFile(file: string): boolean {
  try {
    return isEnvoyConfigDocument(parseYaml(readFileSync(file, 'utf8').split(/^---\s*$/m).find((d) => d.trim() !== '') ?? ''));
  } catch {
    return false; // the Istio loader reports unreadable files and YAML errors
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addExplainCommand(program: Command, ctx: CommandContext): void {
  program
    .command('explain')
    .summary('show the effective Envoy cluster each client sidecar gets, with warnings')
    .description(
      'Show the effective Envoy cluster each client proxy gets from Istio YAML: endpoint priorities and ' +
        'weights, outlier detection with Envoy defaults, panic threshold, LB policy, retry policy, the ' +
        'ejection cap, and warnings for known traps. Input: an Istio YAML file, or a scenario whose ' +
        '`istio:` key names one; or a plain Envoy cluster file (docs/envoy-config.md) or a scenario whose ' +
        '`envoy:` key names one.',
    )
    .argument('<file>', 'Istio YAML (ServiceEntry/DestinationRule/VirtualService), Envoy cluster YAML/JSON or scenario YAML')
    .option('--client-locality <region/zone/subzone>', 'client proxy locality (repeatable)', collect)
    .option('--istio <version>', 'Istio release whose translation and Envoy to reproduce, e.g. 1.28')
    .option('--envoy <version>', 'Envoy release (Istio version inferred as Envoy − 8)')
    .option('--cluster <name>', 'Envoy bootstrap file: which of static_resources.clusters to explain')
    .option('--json', 'machine-readable output (see docs/explain.md)')
    .action((file: string, opts: ExplainOpts) => {
      const scenario = readScenarioKeys(file);
      const istioFile = scenario ? scenario.configPath : file;
      const envoyInput = scenario ? scenario.kind === 'envoy' : isEnvoyFile(file);
      const localities = opts.clientLocality ?? scenario?.localities ?? [];
      const choice =
        opts.istio !== undefined || opts.envoy !== undefined ? { istio: opts.istio, envoy: opts.envoy } : (scenario?.versions ?? {});
      let versions: ResolvedVersions;
      try {
        versions = resolveVersions({ istio: choice.istio, envoy: choice.envoy });
      } catch (e) {
        throw new UserError(`${opts.istio !== undefined || opts.envoy !== undefined ? '' : `${file}: versions: `}${(e as Error).message}`);
      }
      const clientLocalities: Locality[] = localities.length > 0 ? localities.map(parseLocality) : [{ region: '', zone: '', subzone: '' }];
      let report: ExplainReport;
      try {
        if (envoyInput) report = explainEnvoy(loadEnvoyConfigFile(istioFile, istioFile, { clusterName: opts.cluster }), versions);
        else report = explainIstio(loadIstioFile(istioFile), { clientLocalities, versions });
      } catch (e) {
        if (e instanceof IstioConfigError) throw new UserError(e.message);
        if (e instanceof OutlierConfigError) throw new UserError(`${istioFile}: ${envoyInput ? 'outlier_detection: ' : ''}${e.message}`);
        throw e;
      }
      // A plain Envoy cluster is the same for every client locality.
      if (localities.length === 0 && !envoyInput) {
        report.warnings.push({
          code: 'no-client-locality',
          message: 'no client locality given (--client-locality or the scenario\'s clients[].locality): the client is assumed to have an empty locality',
        });
      }
      if (opts.json) ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else ctx.stdout(formatReport(report));
    });
}

function ms(v: number): string {
  return formatDurationMs(v);
}

export function formatReport(r: ExplainReport): string {
  const lines: string[] = [];
  const envoyInput = r.istioMinor === null;
  lines.push(`${envoyInput ? 'plain Envoy cluster file' : `Istio 1.${r.istioMinor}`}, Envoy 1.${r.envoyMinor} (outlier rules ${r.profile})`);
  for (const w of r.warnings) lines.push(`warning [${w.code}]: ${w.message}`);
  for (const c of r.clusters) {
    lines.push('');
    lines.push(`cluster ${c.clusterName}  (${envoyInput ? 'every client locality' : `client locality ${c.clientLocality || '(none)'}`})`);
    lines.push('  endpoints:');
    const rows = c.endpoints.map((e) => [`${e.address}:${e.port}`, e.locality || '(none)', `priority ${e.priority}`, `weight ${e.weight}`]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), 0));
    for (const row of rows) lines.push(`    ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')}`);
    lines.push(`  priority loads with all hosts healthy: [${c.priorityLoads.join(', ')}]`);
    lines.push(`  lb_policy: ${c.lbPolicy}${c.localityWeightedLbConfig ? ' (locality-weighted)' : ''}`);
    lines.push(`  healthy_panic_threshold: ${c.healthyPanicThreshold}%${c.healthyPanicThreshold === 0 ? ' (panic disabled)' : ''}`);
    lines.push(`  connect_timeout: ${ms(c.connectTimeoutMs)}; route timeout: ${c.routeTimeoutMs === 0 ? 'none' : ms(c.routeTimeoutMs)}`);
    if (c.outlierDetection) {
      const o = c.outlierDetection;
      lines.push('  outlier_detection (Envoy defaults filled in):');
      lines.push(`    consecutive_5xx ${o.consecutive_5xx} (enforcing ${o.enforcing_consecutive_5xx}%), consecutive_gateway_failure ${o.consecutive_gateway_failure} (enforcing ${o.enforcing_consecutive_gateway_failure}%)`);
      lines.push(`    interval ${ms(o.interval_ms)}, base_ejection_time ${ms(o.base_ejection_time_ms)}, max_ejection_time ${ms(o.max_ejection_time_ms)}, max_ejection_percent ${o.max_ejection_percent}%`);
      lines.push(`    enforcing_success_rate ${o.enforcing_success_rate}%, split_external_local_origin_errors ${o.split_external_local_origin_errors}`);
      lines.push(`  max ejectable hosts at once: ${c.maxEjectableHosts} of ${c.endpoints.length}`);
    } else {
      lines.push(`  outlier_detection: none (no ${envoyInput ? 'outlier_detection in the cluster' : 'outlierDetection in the DestinationRule'})`);
    }
    const p = c.retryPolicy;
    if (p) {
      lines.push(
        `  retry_policy: ${p.num_retries} retries on ${p.retry_on.join(',')}; retriable_status_codes [${p.retriable_status_codes.join(', ')}]; ` +
          `previous_hosts ${p.previous_hosts_predicate ? 'on' : 'off'}; host_selection_retry_max_attempts ${p.host_selection_retry_max_attempts}; ` +
          `per_try_timeout ${p.per_try_timeout_ms === 0 ? 'none' : ms(p.per_try_timeout_ms)}; backoff ${ms(p.backoff_base_interval_ms)}..${ms(p.backoff_max_interval_ms)}` +
          (p.previous_priorities_update_frequency !== undefined ? `; previous_priorities (update_frequency ${p.previous_priorities_update_frequency})` : ''),
      );
    } else {
      lines.push('  retry_policy: none');
    }
    for (const w of c.warnings) lines.push(`  warning [${w.code}]: ${w.message}`);
  }
  return `${lines.join('\n')}\n`;
}

export { formatLocality };
