/**
 * Registry of replay functions for vector categories of load-balancing.json (`vector.category`).
 * Each layer's replay module registers its categories here; a category with no replay is reported as
 * a failure naming the missing category, never skipped.
 */
import type { CategoryReplay } from './types.ts';

const registry = new Map<string, CategoryReplay>();

export function registerCategory(category: string, replay: CategoryReplay): void {
  if (registry.has(category)) throw new Error(`conformance category ${category} registered twice`);
  registry.set(category, replay);
}

export function replayForCategory(category: string): CategoryReplay | undefined {
  return registry.get(category);
}
