/**
 * Attempts at capacity-limited endpoints, as the simulator wires them (world/capacity.ts does the
 * queueing): an attempt that reaches such a server becomes a job or is refused at once; the job's
 * answer arrives when it completes (a kernel event), unless the attempt ended first (a timeout),
 * which abandons the job — the server goes on with it, or drops it (`abandonedWork: cancel`).
 */
import type { Kernel } from '../engine/kernel.ts';
import { grownTo } from '../engine/typed-arrays.ts';
import { AttemptOutcome } from '../envoy/router/outcomes.ts';
import type { UpstreamRequests } from '../envoy/router/upstream-requests.ts';
import { reachesServer, type AttemptDecision } from '../world/attempt.ts';
import { ADMIT_REJECTED, ADMIT_STARTED, type EndpointServers } from '../world/capacity.ts';

export class ServerJobs {
  /** Per request slot: the attempt's job, or -1. */
  private attemptJob = new Int32Array(0);
  /** What the last `done` delivered: the slot whose attempt ends, with the job's answer. */
  slot = -1;
  outcome = 0;
  status = 0;

  constructor(
    readonly servers: EndpointServers,
    private readonly router: UpstreamRequests,
    private readonly kernel: Kernel,
    private readonly refusedDelayMs: Float64Array,
    /** The kernel event kind of a job's completion (tag: the job's generation). */
    private readonly doneKind: number,
  ) {}

  /**
   * The attempt in `slot` was answered `answer` by the world: at a limited endpoint the server does
   * the work (the answer then comes when its job completes: latency +∞ for the router), or refuses
   * it when full (the answer becomes the overload status after the refusal delay).
   */
  send(slot: number, endpoint: number, now: number, answer: AttemptDecision): void {
    if (slot >= this.attemptJob.length) this.attemptJob = grownTo(this.attemptJob, this.router.timerAt.length).fill(-1, this.attemptJob.length);
    let job = -1;
    const servers = this.servers;
    if (servers.limited(endpoint) && reachesServer(answer)) {
      const admitted = servers.admit(endpoint, now, answer.latencyMs, slot, (this.router.attemptSeq[slot] + 1) | 0, answer.outcome, answer.status);
      if (admitted === ADMIT_REJECTED) {
        answer.outcome = AttemptOutcome.RESPONSE;
        answer.status = servers.overloadStatus[endpoint];
        answer.latencyMs = this.refusedDelayMs[endpoint];
      } else {
        job = servers.lastJob;
        if (admitted === ADMIT_STARTED) this.kernel.scheduleAt(now + servers.serviceMs, this.doneKind, job, servers.jobGen[job]);
        answer.latencyMs = 1 / 0;
      }
    }
    this.attemptJob[slot] = job;
  }

  /**
   * Job `job` completed (its event, generation already checked): frees its place and starts the next
   * waiting job. True when its attempt is still waiting for it: then `slot`, `outcome` and `status`
   * say which attempt ends with which answer (the client may have given up: the work was wasted).
   */
  done(job: number): boolean {
    const servers = this.servers;
    const router = this.router;
    const slot = servers.jobSlot[job];
    const seq = servers.jobSeq[job];
    this.outcome = servers.jobOutcome[job];
    this.status = servers.jobStatus[job];
    this.startNext(servers.finish(job, this.kernel.now));
    if (router.attemptSeq[slot] !== seq || router.host[slot] < 0 || this.attemptJob[slot] !== job) return false;
    this.attemptJob[slot] = -1;
    this.slot = slot;
    return true;
  }

  /** The attempt in `slot` ended without its job's answer (timeout): the job goes on, or is cancelled. */
  abandon(slot: number): void {
    const job = this.attemptJob[slot];
    if (job < 0) return;
    this.attemptJob[slot] = -1;
    const servers = this.servers;
    if (servers.cancelAbandoned[servers.jobEndpoint[job]] === 0) return;
    if (servers.isWaiting(job)) servers.cancelWaiting(job);
    else this.startNext(servers.finish(job, this.kernel.now));
  }

  private startNext(next: number): void {
    if (next >= 0) this.kernel.scheduleAt(this.kernel.now + this.servers.serviceMs, this.doneKind, next, this.servers.jobGen[next]);
  }
}
