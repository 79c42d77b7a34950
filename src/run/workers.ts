import os from 'node:os';

/** Scenarios per Playwright worker when a profile sets no `workers`: a worker is a process to start. */
const SCENARIOS_PER_WORKER = 16;

/**
 * The Playwright workers for a run of `count` scenarios when the profile sets none: one per 16 scenarios, at
 * least one and at most one per core. The benchmark's plain-Playwright baseline uses the same number, so that
 * both sides of a comparison start as many processes.
 */
export function defaultWorkers(count: number): number {
  return Math.max(1, Math.min(os.availableParallelism(), Math.ceil(count / SCENARIOS_PER_WORKER)));
}
