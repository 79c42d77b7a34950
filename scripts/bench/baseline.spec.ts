import fs from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, test as base, expect } from '@playwright/test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

// The plain-Playwright baseline of the benchmark: the same exchanges as the suite's run, written the way
// a Playwright user would write them by hand — a worker-scoped request context, the answer schema compiled
// once per worker, the status and the expected AuthorizationStatus / StatusCode asserted. No reports beyond
// Playwright's own dot reporter.

interface BenchExchange {
  id: string;
  operatorId: string;
  body: unknown;
  authorizationStatus: string;
  statusCode: string;
}

const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

const exchanges = JSON.parse(
  fs.readFileSync(process.env.BENCH_EXCHANGES as string, 'utf8'),
) as BenchExchange[];

const test = base.extend<object, { api: APIRequestContext; validate: ValidateFunction }>({
  api: [
    async ({ playwright }, use) => {
      const context = await playwright.request.newContext({ baseURL: process.env.BENCH_BASE_URL });
      await use(context);
      await context.dispose();
    },
    { scope: 'worker' },
  ],
  validate: [
    async ({}, use) => {
      const ajv = new Ajv2020({ allErrors: true });
      addFormats(ajv);
      const dir = path.join(import.meta.dirname, '..', '..', 'schemas', 'oicp');
      for (const file of fs.readdirSync(dir))
        ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      await use(
        ajv.getSchema(
          'https://oicp-conformance.example/schemas/oicp/eRoamingAuthorizationStart.schema.json',
        ) as ValidateFunction,
      );
    },
    { scope: 'worker' },
  ],
});

test.describe.configure({ mode: 'parallel' });

for (const exchange of exchanges) {
  test(exchange.id, async ({ api, validate }) => {
    const response = await api.post(
      `/api/oicp/charging/v21/operators/${encodeURIComponent(exchange.operatorId)}/authorize/start`,
      { data: exchange.body },
    );
    expect(response.status()).toBe(200);
    const body = (await response.json()) as { AuthorizationStatus: string; StatusCode: { Code: string } };
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(body.AuthorizationStatus).toBe(exchange.authorizationStatus);
    expect(body.StatusCode.Code).toBe(exchange.statusCode);
  });
}
