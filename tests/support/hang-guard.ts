import vm from 'node:vm';
import { Worker } from 'node:worker_threads';

// An in-process test of a guard against a hang (catastrophic backtracking, a FIFO opened for reading or
// writing) must fail when the guard is gone, not block its worker for ever. Without a child process and its
// kill timer, these give the same bound: neither changes what a passing test does, and neither fires when the
// guarded code returns in time, however slow the machine — the bound is only reached when the code hangs.

/**
 * `work()`, stopped after `ms` of running without returning (a regular expression that backtracks for ever
 * included): it then throws ERR_SCRIPT_EXECUTION_TIMEOUT, which fails the test. Synchronous code only.
 */
export function withinTime<T>(ms: number, work: () => T): T {
  return vm.runInNewContext('work()', { work }, { timeout: ms }) as T;
}

/**
 * After `ms`, a thread of this process opens `fifo` from the other end, without waiting, and closes it at
 * once: code stuck opening the FIFO (to read it, or to write to it) gets it opened, then an end of file or a
 * broken pipe, and goes on to fail its test. A FIFO nobody is opening is left as it was. Call the returned
 * function when the guarded code has returned.
 */
export function unblockFifoAfter(fifo: string, ms: number): () => Promise<void> {
  const worker = new Worker(
    `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;
    setTimeout(() => {
      for (const flags of [O_WRONLY | O_NONBLOCK, O_RDONLY | O_NONBLOCK]) {
        try {
          fs.closeSync(fs.openSync(workerData.fifo, flags));
        } catch {}
      }
    }, workerData.ms);
    `,
    { eval: true, workerData: { fifo, ms } },
  );
  worker.unref();
  return async () => {
    await worker.terminate();
  };
}
