/**
 * Durations and rates as users write them in Istio resources and failsim scenarios.
 *
 * Istio reads protobuf Durations with golang/protobuf's jsonpb, which hands the string to Go's
 * `time.ParseDuration`: an optional sign, then one or more `<decimal><unit>` terms with units
 * ns, us (µs, μs), ms, s, m, h — so `250ms`, `15s`, `1m`, `1h30m`, `1.5s` and the bare `0` are all
 * accepted (compound forms included), while `15` (no unit) or `15x` are rejected.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go/Istio duration ("250ms", "15s", "1m", "1h30m", "1.5s", "-2s", "0") to milliseconds
 * (possibly fractional, possibly negative). Returns undefined when the text is not a duration.
 */
export function parseDurationMs(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  let s = text.trim();
  if (s === '') return undefined;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    TERM.lastIndex = pos;
    const m = TERM.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = TERM.lastIndex;
  }
  // Round away binary noise from fractional terms (e.g. 0.1s) at nanosecond resolution.
  return sign * (Math.round(total * 1e6) / 1e6);
}

/** Formats milliseconds the way Istio users write them: 250ms, 15s, 1m, 1h, 1m30s. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (!Number.isInteger(ms) || ms < 0) return `${ms}ms`;
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

const RATE = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/;

/** Parses a rate "300/s", "20/m", "5/h" to events per second; undefined when malformed. */
export function parseRatePerSecond(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RATE.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 's':
    case 'sec':
    case 'second':
      return n;
    case 'm':
    case 'min':
    case 'minute':
      return n / 60;
    default:
      return n / 3600;
  }
}

const SIGNED_RATE = /^\s*([+-]?)\s*(.*)$/s;

/**
 * Parses a scenario rate `N/s`, `N/m`, `N/h` (also `sec`, `min`, `hour`) to events per second,
 * keeping a leading sign so that the scenario schema can reject `-5/s` with "must be positive"
 * rather than "not a rate". Returns undefined when the text is not a rate at all.
 */
export function parseRate(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = SIGNED_RATE.exec(text);
  if (!m) return undefined;
  const magnitude = parseRatePerSecond(m[2]);
  if (magnitude === undefined) return undefined;
  return m[1] === '-' ? -magnitude : magnitude;
}
