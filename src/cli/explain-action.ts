/** What `failsim explain` does (its options: explain-command.ts): read the inputs, explain, print. */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { explain, type ExplainInput, type ExplainReport } from '../api.ts';
import { firstYamlDocument, readScenarioKeys } from '../config/scenario-keys.ts';
import { isEnvoyConfigDocument } from '../envoy/config/document.ts';
import { formatDurationMs } from '../config/durations.ts';
import { readText } from '../node/files.ts';
import { readMeshInputs } from '../node/mesh-files.ts';
import type { ExplainOpts } from './explain-command.ts';
import type { CommandContext } from './main.ts';
import { UserError } from './errors.ts';
import { localityTextProblem } from '../config/locality-text.ts';

/** A file that is not a scenario: Envoy config, or (by default) Istio resources. */
function isEnvoyText(text: string): boolean {
  return isEnvoyConfigDocument(firstYamlDocument(text));
}

/**
 * The explain input for a scenario file (and the file it names), one Envoy file, or the mesh:
 * Istio and Kubernetes files and directories (src/mesh).
 */
function readExplainInput(files: string[], opts: ExplainOpts): ExplainInput {
  const file = files[0];
  const common0 = {
    clientLocalities: opts.clientLocality,
    versions: opts.istio !== undefined || opts.envoy !== undefined ? { istio: opts.istio, envoy: opts.envoy } : undefined,
    endpoints: opts.endpoints,
  };
  if (files.length > 1 || isDirectory(file)) return { ...common0, meshFiles: readMeshInputs(files) };
  const text = readText(file, { cannotRead: 'cannot read file' });
  const keys = readScenarioKeys(firstYamlDocument(text), file);
  const common = {
    clientLocalities: opts.clientLocality,
    versions: opts.istio !== undefined || opts.envoy !== undefined ? { istio: opts.istio, envoy: opts.envoy } : undefined,
    cluster: opts.cluster,
    endpoints: opts.endpoints,
  };
  if (keys === undefined) {
    return { ...common, [isEnvoyText(text) ? 'envoy' : 'istio']: text, names: { config: file } };
  }
  const configPath = resolve(dirname(file), keys.configName);
  // The wording of each reader's message as before the API (the Envoy reader says "the file").
  const configText = readText(configPath, { cannotRead: keys.kind === 'envoy' ? 'cannot read the file' : 'cannot read file' });
  return { ...common, scenario: text, [keys.kind]: configText, names: { scenario: file, config: configPath } };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // the readers report missing files
  }
}

/** Flags checked as `run` checks the same values in a scenario (versions, locality texts). */
function checkExplainFlags(opts: ExplainOpts): void {
  if (opts.istio !== undefined && opts.envoy !== undefined) {
    throw new UserError(`--istio ${opts.istio} --envoy ${opts.envoy}: give one of them (each implies the other: Istio 1.x ships Envoy 1.(x+8))`);
  }
  for (const l of opts.clientLocality ?? []) {
    const problem = localityTextProblem(l);
    if (problem !== undefined) throw new UserError(`--client-locality: ${problem}`);
  }
}

export function explainAction(ctx: CommandContext, files: string[], opts: ExplainOpts): void {
  checkExplainFlags(opts);
  const report = explain(readExplainInput(files, opts));
  if (opts.json) ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else ctx.stdout(formatReport(report));
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
    const rows = c.endpoints.map((e) => [
      `${e.address}:${e.port}`,
      e.locality || '(none)',
      `priority ${e.priority}`,
      `weight ${e.weight}${e.localityWeight !== null ? `, locality weight ${e.localityWeight}` : ''}`,
    ]);
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), 0));
    for (const row of rows) lines.push(`    ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join('  ')}`);
    for (const d of c.droppedEndpoints) lines.push(`    dropped: ${d.address} (${d.locality || 'no locality'}): ${d.reason}`);
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
