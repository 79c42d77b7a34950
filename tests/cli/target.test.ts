import { type RunningMock, startMock } from '../../mock/server.ts';
import { runConformance } from '../support/conformance-run.ts';
import { expect, test } from '../support/test.ts';

// The target the configuration names, as the conformance command checks it in this process before anything
// is sent.
let mock: RunningMock;
test.beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
test.afterAll(async () => {
  await mock.close();
});

test('an OICP_BASE_URL holding the operation path stops the run: exit code 2, origin only, nothing sent', async () => {
  const run = await runConformance({ OICP_BASE_URL: `${mock.url}/api/oicp/charging/v21` });
  expect(run.exitCode, run.stdout + run.stderr).toBe(2);
  expect(run.stderr).toContain('OICP_BASE_URL');
  expect(run.stderr).toContain(`set OICP_BASE_URL to the origin only, e.g. ${mock.url}`);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(mock.requestCount()).toBe(0);
});
