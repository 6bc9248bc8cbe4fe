/**
 * The playground page: editors and controls on the left, explain's effective cluster and warnings,
 * the run, its timeline and the battery's scorecard on the right. Simulations run in a Web Worker
 * (worker.ts) created from the bundle inlined in the page; the page thread only draws.
 */
import { zipSync, strToU8 } from 'fflate';
import type { ExplainReport } from '../../src/api.ts';
import { parseDurationMs, formatDurationMs } from '../../src/config/durations.ts';
import { NEWEST_ENVOY_MINOR, NEWEST_ISTIO_MINOR, OLDEST_ENVOY_MINOR, OLDEST_ISTIO_MINOR } from '../../src/envoy/profiles.ts';
import { drawTimeline, loadFonts } from './chart.ts';
import { INCIDENTS, incidentKind, parseTarget, targetValue, type FaultTarget } from './incidents.ts';
import type { IncidentChoice, PlaygroundInput } from './input.ts';
import { locateError } from './locate.ts';
import type { Outgoing, PageStatus, Request, Response, RunResult, ScenarioJob } from './protocol.ts';
import { scenarioInfo, withConfigFile, withFaults, withLocalities, withVersion, type ScenarioInfo } from './scenario-edit.ts';
import { decodeShare, encodeShare } from './share.ts';
import { describeSummary, renderClusters, renderScorecard, renderWarnings, type ScorecardDocument } from './views.ts';
import type { BatteryInput } from './battery.ts';

/** A scenario of models/ with the mesh configuration it names, inlined by the build. */
interface Model {
  id: string;
  scenario: string;
  config: string;
}

const EXPLAIN_DEBOUNCE_MS = 300;
const SEED_MODEL = 'dynamodb-failover/c-failover.yaml';
const SCENARIO_FAULTS = 'scenario';
const BATTERY = 'battery';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status: PageStatus = { ready: false, explains: 0, runs: 0, lastRun: null, error: null, timelineSpec: null };
(window as unknown as { failsimPlayground: PageStatus }).failsimPlayground = status;

const models: Model[] = JSON.parse($('failsim-models').textContent ?? '[]') as Model[];
const workerSource = $('failsim-worker').textContent ?? '';
const workerUrl = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));

const el = {
  model: $<HTMLSelectElement>('model-select'),
  modelHint: $('model-hint'),
  config: $<HTMLTextAreaElement>('yaml-input'),
  configLabel: $('config-label'),
  scenario: $<HTMLTextAreaElement>('scenario-input'),
  scenarioFile: $('scenario-file'),
  version: $<HTMLSelectElement>('version-select'),
  localities: $<HTMLInputElement>('localities-input'),
  incident: $<HTMLSelectElement>('incident-select'),
  target: $<HTMLSelectElement>('target-select'),
  from: $<HTMLInputElement>('from-input'),
  until: $<HTMLInputElement>('until-input'),
  error: $('input-error'),
  errorHome: $('error-home'),
  run: $<HTMLButtonElement>('run-button'),
  cancel: $<HTMLButtonElement>('cancel-button'),
  share: $<HTMLButtonElement>('share-button'),
  download: $<HTMLButtonElement>('download-button'),
  progress: $<HTMLProgressElement>('progress'),
  progressLabel: $('progress-label'),
  shareNote: $('share-note'),
  warnings: $<HTMLUListElement>('warnings'),
  clusters: $('clusters'),
  profile: $('explain-profile'),
  runStatus: $('run-status'),
  summary: $('summary'),
  summaryJson: $('summary-json'),
  timeline: $('timeline'),
  scorecardSection: $('scorecard-section'),
  scorecard: $('scorecard'),
  scorecardJson: $('scorecard-json'),
  replications: $<HTMLInputElement>('replications-input'),
  replicationsField: $('replications-field'),
};

let input: PlaygroundInput;
let info: ScenarioInfo | undefined;
/** Endpoints (address, locality) of the explained configuration: the incident's possible targets. */
let explainedEndpoints: { address: string; locality: string }[] = [];

// ---------------------------------------------------------------------------------------------
// Workers: one explains as you type, one runs (terminated and replaced to cancel).

let nextId = 1;
const pending = new Map<number, (r: Response) => void>();

function newWorker(): Worker {
  const w = new Worker(workerUrl);
  w.onmessage = (e: MessageEvent<Response>) => pending.get(e.data.id)?.(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    showError(`internal error in the simulation worker: ${e.message}`);
  };
  return w;
}

const explainWorker = newWorker();
let runWorker = newWorker();
let running: number | null = null;

function send(worker: Worker, request: Outgoing, onResponse: (r: Response) => void): number {
  const id = nextId++;
  pending.set(id, onResponse);
  worker.postMessage({ ...request, id } as Request);
  return id;
}

// ---------------------------------------------------------------------------------------------
// Input ↔ controls

function names(): ScenarioJob['names'] {
  return { scenario: input.model.split('/').pop() || 'scenario.yaml', config: info?.configFile ?? 'istio.yaml' };
}

function job(scenario = input.scenario): ScenarioJob {
  return { scenario, config: input.config, configKind: info?.configKind ?? 'istio', names: names() };
}

function fillSelect(select: HTMLSelectElement, groups: { label?: string; options: { value: string; text: string }[] }[]): void {
  select.replaceChildren(
    ...groups.map((g) => {
      const options = g.options.map((o) => new Option(o.text, o.value));
      if (g.label === undefined) return options;
      const group = document.createElement('optgroup');
      group.label = g.label;
      group.append(...options);
      return [group];
    }).flat(),
  );
}

function versionOptions(kind: 'istio' | 'envoy'): void {
  const groups: { label?: string; options: { value: string; text: string }[] }[] = [
    { options: [{ value: '', text: kind === 'istio' ? `newest (Istio 1.${NEWEST_ISTIO_MINOR})` : `newest (Envoy 1.${NEWEST_ENVOY_MINOR})` }] },
  ];
  const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);
  if (kind === 'istio') {
    groups.push({ label: 'Istio', options: range(NEWEST_ISTIO_MINOR, OLDEST_ISTIO_MINOR).map((m) => ({ value: `istio:1.${m}`, text: `Istio 1.${m}` })) });
  }
  groups.push({ label: 'Envoy', options: range(NEWEST_ENVOY_MINOR, OLDEST_ENVOY_MINOR).map((m) => ({ value: `envoy:1.${m}`, text: `Envoy 1.${m}` })) });
  fillSelect(el.version, groups);
}

function showInput(): void {
  el.model.value = models.some((m) => m.id === input.model) ? input.model : '';
  el.config.value = input.config;
  el.scenario.value = input.scenario;
  refreshFromScenario();
  const choice = input.incident;
  el.incident.value = choice === null ? SCENARIO_FAULTS : choice.id;
  if (choice) {
    el.from.value = choice.from;
    el.until.value = choice.until;
    if (choice.replications !== undefined) el.replications.value = choice.replications;
  }
  refreshTargets(choice?.target);
  syncGutters();
}

/** Controls that mirror the scenario text (version, localities, file names). */
function refreshFromScenario(): void {
  info = scenarioInfo(input.scenario);
  if (!info) return;
  const kind = info.configKind;
  versionOptions(kind);
  if (info.version !== '' && ![...el.version.options].some((o) => o.value === info!.version)) {
    // A version the list does not spell this way (`1.28.0`): shown as written, not as "newest".
    const [k, v] = info.version.split(':');
    el.version.add(new Option(`${k === 'istio' ? 'Istio' : 'Envoy'} ${v} (as the scenario writes it)`, info.version), 1);
  }
  el.version.value = info.version;
  if (document.activeElement !== el.localities) el.localities.value = info.localities.join(', ');
  el.configLabel.textContent = `${kind === 'istio' ? 'Istio resources' : 'Envoy cluster'} (${info.configFile})`;
  el.scenarioFile.textContent = names().scenario;
  if (!el.from.value || !el.until.value) defaultWindow();
}

function defaultWindow(): void {
  const durationMs = info?.duration !== undefined ? parseDurationMs(info.duration) : undefined;
  if (durationMs === undefined) return;
  el.from.value ||= formatDurationMs(Math.round(durationMs * 0.2));
  el.until.value ||= formatDurationMs(Math.round(durationMs * 0.8));
}

/** Targets: each locality of the endpoints (all its endpoints at once), then each endpoint. */
function refreshTargets(preferred?: string): void {
  const endpoints = explainedEndpoints.length > 0 ? explainedEndpoints : (info?.endpoints ?? []).map((address) => ({ address, locality: '' }));
  const localities = [...new Set(endpoints.map((e) => e.locality).filter((l) => l !== ''))];
  const option = (t: FaultTarget, text: string) => ({ value: targetValue(t), text });
  fillSelect(el.target, [
    { label: 'a locality (all its endpoints)', options: localities.map((l) => option({ locality: l }, l)) },
    { label: 'one endpoint', options: endpoints.map((e) => option({ endpoint: e.address }, e.address)) },
  ].filter((g) => g.options.length > 0));
  const keep = preferred ?? el.target.value;
  if ([...el.target.options].some((o) => o.value === keep)) el.target.value = keep;
  const id = el.incident.value;
  for (const c of [el.target, el.from, el.until]) c.disabled = id === SCENARIO_FAULTS || id === BATTERY;
  el.replicationsField.hidden = id !== BATTERY;
}

function setScenarioText(text: string): void {
  input.scenario = text;
  el.scenario.value = text;
  refreshFromScenario();
  syncGutters();
}

/** The incident controls as a choice; an Error naming the control when one is not valid. */
function incidentChoice(): IncidentChoice | null {
  if (el.incident.value === SCENARIO_FAULTS) return null;
  return {
    id: el.incident.value,
    target: el.target.value,
    from: el.from.value.trim(),
    until: el.until.value.trim(),
    ...(el.incident.value === BATTERY ? { replications: el.replications.value.trim() } : {}),
  };
}

function incidentWindow(choice: IncidentChoice): { fromMs: number; untilMs: number } {
  const fromMs = parseDurationMs(choice.from);
  const untilMs = parseDurationMs(choice.until);
  if (fromMs === undefined) throw new Error(`incident from: expected a duration like 30s, 1m (got "${choice.from}")`);
  if (untilMs === undefined) throw new Error(`incident until: expected a duration like 30s, 4m (got "${choice.until}")`);
  if (!(untilMs > fromMs)) throw new Error('incident: until must be later than from');
  return { fromMs, untilMs };
}

/** Writes the picked incident into the scenario's faults (the battery is expanded only when run). */
function applyIncident(): void {
  input.incident = incidentChoice();
  const choice = input.incident;
  if (choice === null || choice.id === BATTERY) return changed();
  try {
    const { fromMs, untilMs } = incidentWindow(choice);
    const target = parseTarget(choice.target);
    if (!target) throw new Error('incident: pick a target');
    setScenarioText(withFaults(input.scenario, incidentKind(choice.id)!.faults(target, fromMs, untilMs)));
  } catch (e) {
    return showError((e as Error).message);
  }
  changed();
}

// ---------------------------------------------------------------------------------------------
// Errors next to their line

function clearError(): void {
  status.error = null;
  el.error.hidden = true;
  el.error.textContent = '';
  el.errorHome.append(el.error);
  for (const [textarea, editor] of editors()) {
    editor.classList.remove('invalid');
    textarea.removeAttribute('aria-invalid');
    textarea.removeAttribute('aria-describedby');
    editor.querySelector<HTMLElement>('.band')!.hidden = true;
    delete editor.dataset.errorLine;
  }
  syncGutters();
}

function editors(): [HTMLTextAreaElement, HTMLElement][] {
  return [
    [el.config, $('config-editor')],
    [el.scenario, $('scenario-editor')],
  ];
}

function showError(message: string): void {
  clearError();
  status.error = message;
  const place = locateError(message, names(), { scenario: input.scenario, config: input.config });
  el.error.hidden = false;
  el.error.textContent = place.line !== null ? `line ${place.line}: ${message}` : message;
  if (place.source !== null) {
    const [textarea, editor] = place.source === 'config' ? editors()[0] : editors()[1];
    if (place.source === 'scenario') ($('scenario-details') as HTMLDetailsElement).open = true;
    editor.classList.add('invalid');
    textarea.setAttribute('aria-invalid', 'true');
    textarea.setAttribute('aria-describedby', 'input-error');
    if (place.line !== null) {
      editor.dataset.errorLine = String(place.line);
      editor.querySelector('.code')!.append(el.error);
    }
  }
  syncGutters();
}

const LINE_PX = 20;
const PAD_PX = 8;

/** Line numbers beside each editor, the error line marked and its message just under it. */
function syncGutters(): void {
  for (const [textarea, editor] of editors()) {
    const gutter = editor.querySelector<HTMLElement>('.gutter')!;
    const lines = textarea.value.split('\n').length;
    const bad = Number(editor.dataset.errorLine ?? 0);
    const numbers: string[] = [];
    for (let i = 1; i <= lines; i++) numbers.push(i === bad ? `<span class="bad">${i}</span>` : String(i));
    gutter.innerHTML = numbers.join('\n');
    gutter.scrollTop = textarea.scrollTop;
    const band = editor.querySelector<HTMLElement>('.band')!;
    if (bad > 0) {
      const top = PAD_PX + (bad - 1) * LINE_PX - textarea.scrollTop;
      band.hidden = false;
      band.style.top = `${top}px`;
      if (el.error.parentElement === editor.querySelector('.code')) el.error.style.top = `${top + LINE_PX + 2}px`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Explain as you type

let explainTimer: ReturnType<typeof setTimeout> | undefined;
let latestExplain = 0;

function changed(): void {
  scheduleExplain();
  scheduleHash();
}

function scheduleExplain(): void {
  clearTimeout(explainTimer);
  explainTimer = setTimeout(explainNow, EXPLAIN_DEBOUNCE_MS);
}

function explainNow(): void {
  const id = send(explainWorker, { kind: 'explain', job: job() }, (r) => {
    pending.delete(r.id);
    if (r.id !== latestExplain) return; // a newer text is being explained
    status.explains++;
    if (r.kind === 'explained') {
      clearError();
      showExplain(r.report);
    } else if (r.kind === 'failed') {
      showError(r.message);
    }
    document.body.dataset.explained = String(status.explains);
  });
  latestExplain = id;
}

function showExplain(report: ExplainReport): void {
  el.profile.textContent =
    report.istioMinor === null
      ? `plain Envoy cluster, Envoy 1.${report.envoyMinor} (outlier rules ${report.profile})`
      : `Istio 1.${report.istioMinor}, Envoy 1.${report.envoyMinor} (outlier rules ${report.profile})`;
  renderWarnings(el.warnings, report);
  renderClusters(el.clusters, report);
  const endpoints: { address: string; locality: string }[] = [];
  for (const c of report.clusters) for (const e of c.endpoints) if (!endpoints.some((x) => x.address === e.address)) endpoints.push(e);
  explainedEndpoints = endpoints.map((e) => ({ address: e.address, locality: e.locality }));
  refreshTargets();
}

// ---------------------------------------------------------------------------------------------
// Runs

function setRunning(id: number | null): void {
  running = id;
  el.run.disabled = id !== null;
  el.cancel.disabled = id === null;
  document.body.dataset.running = String(id !== null);
}

function showProgress(fraction: number, label: string): void {
  el.progress.value = fraction;
  el.progressLabel.textContent = label;
}

/**
 * `failsim check` on the Istio file: client sidecars at the scenario's client localities, its
 * version; the check builds its own world (docs/check.md), so the scenario's world does not apply.
 */
function batteryInput(choice: IncidentChoice): BatteryInput {
  if (info?.configKind !== 'istio') throw new Error('the whole battery reads Istio (and Kubernetes) YAML, as failsim check does: pick one incident for a plain Envoy cluster');
  const replications = Number(choice.replications ?? '10');
  if (!Number.isInteger(replications) || replications < 1 || replications > 100) {
    throw new Error(`replications: expected an integer from 1 to 100 (got "${choice.replications}")`);
  }
  const [kind, version] = info.version.split(':');
  return {
    config: input.config,
    configName: info.configFile,
    clientLocalities: info.localities,
    versions: kind === 'istio' ? { istio: version } : kind === 'envoy' ? { envoy: version } : {},
    replications,
  };
}

function run(): void {
  if (running !== null) return;
  let request: Outgoing;
  try {
    const choice = incidentChoice();
    if (choice?.id === BATTERY) {
      request = { kind: 'battery', input: batteryInput(choice) };
    } else {
      request = { kind: 'run', job: job() };
    }
  } catch (e) {
    showError((e as Error).message);
    return;
  }
  const started = performance.now();
  showProgress(0, 'starting…');
  const id = send(runWorker, request, (r) => {
    if (r.id !== running) return;
    if (r.kind === 'progress') {
      showProgress(r.simulatedMs / r.durationMs, `simulated ${Math.round(r.simulatedMs / 1000)} s of ${Math.round(r.durationMs / 1000)} s`);
      return;
    }
    if (r.kind === 'battery-progress') {
      showProgress(r.done / r.total, `battery: ${r.done} of ${r.total} runs`);
      return;
    }
    pending.delete(r.id);
    setRunning(null);
    if (r.kind === 'ran') {
      clearError();
      status.lastRun = { requests: r.result.requests, elapsedMs: r.result.elapsedMs, wallMs: performance.now() - started };
      showRun(r.result);
    } else if (r.kind === 'battery-ran') {
      clearError();
      showScorecard(r.json, r.elapsedMs);
    } else if (r.kind === 'failed') {
      showProgress(0, 'failed');
      showError(r.message);
    }
    status.runs++;
    document.body.dataset.runs = String(status.runs);
  });
  setRunning(id);
}

function cancel(): void {
  if (running === null) return;
  pending.delete(running);
  runWorker.terminate();
  runWorker = newWorker();
  setRunning(null);
  showProgress(0, 'cancelled');
}

function showRun(result: RunResult): void {
  const seconds = result.elapsedMs / 1000;
  showProgress(1, 'done');
  el.runStatus.textContent = `${result.requests.toLocaleString('en-US')} requests simulated in ${seconds.toFixed(2)} s (${Math.round(
    result.requests / Math.max(seconds, 1e-3),
  ).toLocaleString('en-US')} requests/s in this browser).`;
  el.summaryJson.textContent = result.json;
  describeSummary(el.summary, JSON.parse(result.json));
  el.scorecardSection.hidden = true;
  el.timeline.dataset.rendered = 'pending';
  drawTimeline(el.timeline, result.timeline).then(
    (spec) => {
      status.timelineSpec = spec;
      el.timeline.dataset.rendered = 'true';
    },
    (e: Error) => {
      el.timeline.dataset.rendered = 'error';
      el.timeline.textContent = `The timeline could not be drawn: ${e.message}`;
    },
  );
}

function showScorecard(json: string, elapsedMs: number): void {
  showProgress(1, 'done');
  el.runStatus.textContent = `The battery (failsim check) ran in ${(elapsedMs / 1000).toFixed(2)} s.`;
  el.scorecardSection.hidden = false;
  el.scorecardJson.textContent = json;
  // The run panels belong to single runs: empty them rather than leave an earlier run beside this card.
  el.summary.replaceChildren();
  el.summaryJson.textContent = '';
  renderScorecard(el.scorecard, JSON.parse(json) as ScorecardDocument);
  el.timeline.dataset.rendered = 'none';
  el.timeline.replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'The battery gives a scorecard (below); run one incident to see its timeline.' }));
  el.scorecardSection.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------------------------------------
// Share and download

let hashTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleHash(): void {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => history.replaceState(null, '', `#${encodeShare(input)}`), 500);
}

async function share(): Promise<void> {
  history.replaceState(null, '', `#${encodeShare(input)}`);
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    el.shareNote.textContent = `Link copied (${link.length} characters). It holds the whole input; opening it reproduces this run.`;
  } catch {
    el.shareNote.textContent = 'The browser did not allow copying: the address bar holds the share link.';
  }
}

/** The scenario and its mesh configuration as a zip the CLI runs as they are (`failsim run DIR/FILE`). */
function download(): void {
  const kind = info?.configKind ?? 'istio';
  const configFile = info?.configFile ?? `${kind}.yaml`;
  // A path outside the folder (`../x.yaml`, `dir/x.yaml`) becomes a file beside the scenario.
  const plain = /^[\w.-]+$/.test(configFile) && !configFile.startsWith('..') ? configFile : configFile.split('/').pop()!.replace(/^\.+/, '') || `${kind}.yaml`;
  const scenario = plain === configFile ? input.scenario : withConfigFile(input.scenario, kind, plain);
  const folder = (input.model.split('/')[0] || 'failsim-scenario').replace(/[^\w.-]/g, '_');
  const zip = zipSync({ [folder]: { [names().scenario]: strToU8(scenario), [plain]: strToU8(input.config) } });
  const url = URL.createObjectURL(new Blob([zip], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${folder}.zip`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  el.shareNote.textContent = `Downloaded ${folder}.zip: unzip it and run  npx failsim run ${folder}/${names().scenario}`;
}

// ---------------------------------------------------------------------------------------------
// Wiring

function modelInput(id: string): PlaygroundInput {
  const m = models.find((x) => x.id === id) ?? models[0];
  return { model: m.id, scenario: m.scenario, config: m.config, incident: null };
}

function wire(): void {
  el.model.addEventListener('change', () => {
    input = modelInput(el.model.value);
    explainedEndpoints = [];
    el.from.value = '';
    el.until.value = '';
    showInput();
    changed();
  });
  el.config.addEventListener('input', () => {
    input.config = el.config.value;
    syncGutters();
    changed();
  });
  el.scenario.addEventListener('input', () => {
    input.scenario = el.scenario.value;
    refreshFromScenario();
    syncGutters();
    changed();
  });
  for (const t of [el.config, el.scenario]) t.addEventListener('scroll', syncGutters);
  el.version.addEventListener('change', () => {
    try {
      setScenarioText(withVersion(input.scenario, el.version.value));
    } catch (e) {
      return showError(`${names().scenario}: ${(e as Error).message}`);
    }
    changed();
  });
  el.localities.addEventListener('change', () => {
    const list = el.localities.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    try {
      setScenarioText(withLocalities(input.scenario, list));
    } catch (e) {
      return showError(`client localities: ${(e as Error).message}`);
    }
    changed();
  });
  el.incident.addEventListener('change', () => {
    refreshTargets();
    applyIncident();
  });
  for (const c of [el.target, el.from, el.until, el.replications]) c.addEventListener('change', applyIncident);
  el.run.addEventListener('click', run);
  el.cancel.addEventListener('click', cancel);
  el.share.addEventListener('click', () => void share());
  el.download.addEventListener('click', download);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    } else if (e.key === 'Escape' && running !== null) {
      cancel();
    }
  });
  // A share link pasted into the address bar of an open page: load it like a fresh page would.
  window.addEventListener('hashchange', () => {
    if (location.hash.length > 1 && location.hash.slice(1) !== encodeShare(input) && loadHash()) {
      explainedEndpoints = [];
      clearError();
      showInput();
      changed();
    }
  });
}

function loadHash(): boolean {
  try {
    input = decodeShare(location.hash);
    return true;
  } catch (e) {
    input = modelInput(SEED_MODEL);
    showInput();
    showError((e as Error).message);
    return false;
  }
}

function start(): void {
  const folders = new Map<string, Model[]>();
  for (const m of models) {
    const folder = m.id.split('/')[0];
    if (!folders.has(folder)) folders.set(folder, []);
    folders.get(folder)!.push(m);
  }
  fillSelect(el.model, [...folders].map(([folder, list]) => ({ label: folder, options: list.map((m) => ({ value: m.id, text: m.id.split('/')[1] })) })));
  el.model.prepend(new Option('(edited or shared input)', ''));
  fillSelect(el.incident, [
    { options: [{ value: SCENARIO_FAULTS, text: "the scenario's own faults" }] },
    { label: 'one incident', options: INCIDENTS.map((k) => ({ value: k.id, text: k.label })) },
    { label: 'all of them', options: [{ value: BATTERY, text: 'the whole battery, as failsim check runs it (scorecard)' }] },
  ]);
  el.modelHint.textContent = `${models.length} scenarios from the models/ folder of failsim; the seed example first.`;
  wire();
  const fromHash = location.hash.length > 1 && loadHash();
  if (!fromHash && status.error === null) input = modelInput(SEED_MODEL);
  showInput();
  if (status.error === null) changed();
  void loadFonts().then(() => {
    status.ready = true;
    document.body.dataset.ready = 'true';
  });
}

start();
