/**
 * How `failsim tune` spends its run budget. A *run* is one simulation: one battery cell (an incident
 * against one target from one client locality, or the quiet day) at one seed, for one candidate
 * setting. `--budget N` bounds the runs of the whole search: the coarse grid, the refinement and the
 * final comparison together never exceed it.
 *
 * The current settings are always scored with the full replications (a budget below that is a user
 * error naming the minimum). What is left is split before anything runs, so that no phase can eat
 * the next one's share: the final phase keeps enough to bring the current settings and up to
 * FINAL_POINTS others from the coarse replications to the full ones (at most 30 % of the free
 * budget); the coarse grid gets half of the rest, the refinement what the grid leaves.
 */
import { UserError } from '../config/errors.ts';

const FINAL_POINTS = 8;
const FINAL_SHARE = 0.3;
const COARSE_SHARE = 0.5;

export interface BudgetPlan {
  budget: number;
  /** Runs of one battery at one replication (cells). */
  cells: number;
  coarseReplications: number;
  finalReplications: number;
  /** Cumulative run limits: the coarse grid ends at or below coarseLimit, the refinement at exploreLimit, all at budget. */
  coarseLimit: number;
  exploreLimit: number;
}

/** The fewest runs tune accepts: the current settings' battery at the full replications. */
export function minimumBudget(cells: number, replications: number): number {
  return cells * replications;
}

/** `budgetIsDefault`: the user gave no --budget (the message then says so). */
export function planBudget(budget: number, cells: number, finalReplications: number, budgetIsDefault = false): BudgetPlan {
  const minimum = minimumBudget(cells, finalReplications);
  if (budget < minimum) {
    throw new UserError(
      `--budget ${budget}${budgetIsDefault ? ' (the default)' : ''}: too small to score even the current settings, which takes ${minimum} runs ` +
        `(${cells} per replication: each incident against each target from each client locality, and the quiet day; × ${finalReplications} replications). ` +
        `Give --budget ${minimum} or more, or fewer --replications`,
    );
  }
  const coarseReplications = Math.min(2, finalReplications);
  const coarse = cells * coarseReplications;
  const promote = cells * finalReplications - coarse;
  const free = budget - minimum;
  const extraFinal = promote === 0 ? 0 : Math.min(FINAL_POINTS, Math.floor((free * FINAL_SHARE) / promote));
  const exploreLimit = budget - promote * (1 + extraFinal);
  const coarseLimit = coarse + Math.floor((exploreLimit - coarse) * COARSE_SHARE);
  return { budget, cells, coarseReplications, finalReplications, coarseLimit, exploreLimit };
}

/**
 * A space-filling subset of `count` grid points, chosen greedily farthest-first (maximin) from the
 * current settings: each pick is the grid point farthest from the current one and from every point
 * already picked, ties to the earlier grid point. Deterministic, no random draws; coordinates are
 * each field's index in its value list scaled to [0, 1], so every field weighs the same.
 */
export function spaceFillingSubset<T>(grid: readonly T[], coordinates: (p: T) => readonly number[], current: readonly number[], count: number): T[] {
  if (count >= grid.length) return [...grid];
  const coords = grid.map(coordinates);
  const dist = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0);
  const nearest = coords.map((c) => dist(c, current));
  const picked: number[] = [];
  const taken = new Array<boolean>(grid.length).fill(false);
  while (picked.length < count) {
    let best = -1;
    for (let i = 0; i < grid.length; i++) if (!taken[i] && (best < 0 || nearest[i] > nearest[best])) best = i;
    taken[best] = true;
    picked.push(best);
    for (let i = 0; i < grid.length; i++) nearest[i] = Math.min(nearest[i], dist(coords[i], coords[best]));
  }
  return picked.sort((a, b) => a - b).map((i) => grid[i]);
}
