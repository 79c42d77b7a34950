import os from 'node:os';
import { defaultWorkers } from '../../src/run/workers.ts';
import { expect, test } from '../support/test.ts';

test('a run without a workers setting starts one worker per 16 scenarios, at least one, at most one per core', () => {
  const cores = os.availableParallelism();
  const counts = [0, 1, 16, 17, 32, 33, 16 * cores, 16 * cores + 1, 10_000];
  expect(Object.fromEntries(counts.map((count) => [count, defaultWorkers(count)]))).toEqual(
    Object.fromEntries(counts.map((count) => [count, Math.min(cores, Math.max(1, Math.ceil(count / 16)))])),
  );
  // The bounds, whatever the machine: a small run has one worker, a large one one per core.
  expect(defaultWorkers(1)).toBe(1);
  expect(defaultWorkers(10_000)).toBe(cores);
});
