/**
 * `--slo errorRate=0.1%[,window=1d]`: the error-rate objective an incident is judged against. An
 * incident meets it when the requests it fails fit in the error budget of one window of the
 * affected clients' traffic (errorRate × rate × window): one such incident per window keeps the
 * SLO. The quiet day meets it when its own error rate is within errorRate.
 */
import { UserError } from '../config/errors.ts';
import { parseDurationMs } from '../config/durations.ts';

export interface Slo {
  /** A fraction: 0.001 for 0.1 %. */
  errorRate: number;
  windowMs: number;
  /** As given, for messages and output. */
  text: string;
}

export const DEFAULT_SLO: Slo = { errorRate: 0.001, windowMs: 86_400_000, text: 'errorRate=0.1%,window=1d' };

const USAGE = 'expected errorRate=P%[,window=DURATION], e.g. errorRate=0.1% or errorRate=0.05%,window=1d';

export function parseSlo(texts: readonly string[]): Slo {
  let { errorRate, windowMs } = DEFAULT_SLO;
  for (const text of texts) {
    for (const part of text.split(',')) {
      const [key, value] = part.split('=').map((s) => s.trim());
      if (key === 'errorRate' && value !== undefined) {
        const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(value);
        const rate = m ? Number(m[1]) / (m[2] === '%' ? 100 : 1) : NaN;
        if (!(rate > 0 && rate < 1)) throw new UserError(`--slo ${text}: errorRate must be a percentage above 0 and below 100 (got ${JSON.stringify(value)})`);
        errorRate = rate;
      } else if (key === 'window' && value !== undefined) {
        const ms = /^\d+d$/.test(value) ? Number(value.slice(0, -1)) * 86_400_000 : parseDurationMs(value);
        if (ms === undefined || ms < 60_000) throw new UserError(`--slo ${text}: window must be a duration of at least 1m, like 1d, 24h or 30d (got ${JSON.stringify(value)})`);
        windowMs = ms;
      } else {
        throw new UserError(`--slo ${text}: ${USAGE}`);
      }
    }
  }
  return { errorRate, windowMs, text: `errorRate=${+(errorRate * 100).toPrecision(6)}%,window=${formatWindow(windowMs)}` };
}

function formatWindow(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${ms / 60_000}m`;
}
