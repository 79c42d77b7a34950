import { expect, test } from '@playwright/test';
import { DEFAULT_TIME_BUDGET_MS, loadProfile } from '../../src/config/profile.ts';
import { InputError } from '../../src/input/errors.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';

const registry = schemaRegistry();

function errorOf(env: Record<string, string>): InputError {
  try {
    loadProfile(registry, env);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const QA_ENV = {
  OICP_ENV: 'qa',
  OICP_QA_OPERATOR_ID: 'DE*CPO',
  OICP_QA_EVSE_ID: 'DE*CPO*E1',
  OICP_QA_EVSE_ID_DIN: '+49*123*1',
  OICP_QA_AUTHORIZED_UID: '1234ABCD',
  OICP_QA_AUTHORIZED_PROVIDER_ID: 'DE*EMP',
  OICP_QA_NO_CONTRACT_UID: '1234ABCE',
  OICP_QA_QR_EVCO_ID: 'DE-8EO-CAet5e4XY-3',
  OICP_QA_QR_PIN: '9876',
  OICP_QA_QR_PROVIDER_ID: 'DE-8EO',
  OICP_QA_PNC_EVCO_ID: 'DE*8EO*Aet5e4*3',
  OICP_QA_PNC_PROVIDER_ID: 'DE*8EO',
};

test('the default profile is the embedded mock, started by the run', () => {
  const profile = loadProfile(registry, {});
  expect(profile.name).toBe('mock');
  expect(profile.baseUrl).toBe('http://127.0.0.1:8787');
  expect(profile.startEmbeddedMock).toBe(true);
  expect(profile.timeBudgetMs).toBe(DEFAULT_TIME_BUDGET_MS);
  expect(profile.variables.operatorId).toBe('DE*ABC');
});

test('OICP_MOCK_PORT moves the embedded mock; OICP_BASE_URL replaces the target and the mock is not started', () => {
  expect(loadProfile(registry, { OICP_MOCK_PORT: '9911' }).baseUrl).toBe('http://127.0.0.1:9911');
  const overridden = loadProfile(registry, { OICP_BASE_URL: 'http://localhost:4000/' });
  expect(overridden.baseUrl).toBe('http://localhost:4000');
  expect(overridden.startEmbeddedMock).toBe(false);
});

test('OICP_TIME_BUDGET_MS overrides the budget; a non-number is a clear error', () => {
  expect(loadProfile(registry, { OICP_TIME_BUDGET_MS: '750' }).timeBudgetMs).toBe(750);
  expect(errorOf({ OICP_TIME_BUDGET_MS: 'fast' }).message).toContain(
    "OICP_TIME_BUDGET_MS: must be a positive whole number, got 'fast'",
  );
});

test('the QA profile without settings lists every missing environment variable with its line', () => {
  const error = errorOf({ OICP_ENV: 'qa' });
  const names = error.problems.map((p) => p.message.replace('needs the environment variable ', ''));
  expect(names).toEqual(
    expect.arrayContaining([
      'OICP_QA_OPERATOR_ID',
      'OICP_QA_AUTHORIZED_UID',
      'OICP_QA_QR_PIN',
      'OICP_QA_PNC_EVCO_ID',
    ]),
  );
  // Variables with a default (unknown operator / UID) are not demanded.
  expect(names).not.toContain('OICP_QA_UNKNOWN_UID');
  expect(error.problems[0]).toMatchObject({
    file: 'data/environments/qa.yaml',
    field: 'variables.operatorId',
  });
  expect(error.problems[0]?.line).toBeGreaterThan(1);
});

test('the QA profile with its settings targets Hubject QA with one worker', () => {
  const profile = loadProfile(registry, QA_ENV);
  expect(profile.baseUrl).toBe('https://service-qa.hubject.com');
  expect(profile.hubject).toBe(true);
  expect(profile.workers).toBe(1);
  expect(profile.startEmbeddedMock).toBe(false);
  expect(profile.variables.unknownUid).toBe('0A1B2C3D');
  expect(profile.variables.qrPin).toBe('9876');
});

test("Hubject's production host is refused unless OICP_ALLOW_PRODUCTION=1", () => {
  for (const url of ['https://service.hubject.com', 'https://SERVICE.hubject.com:443/']) {
    expect(errorOf({ ...QA_ENV, OICP_BASE_URL: url }).message).toContain('OICP_ALLOW_PRODUCTION=1');
  }
  expect(
    loadProfile(registry, {
      ...QA_ENV,
      OICP_BASE_URL: 'https://service.hubject.com',
      OICP_ALLOW_PRODUCTION: '1',
    }).baseUrl,
  ).toBe('https://service.hubject.com');
  expect(loadProfile(registry, { OICP_BASE_URL: 'https://service-qa.hubject.com' }).baseUrl).toBe(
    'https://service-qa.hubject.com',
  );
});

test('bad profile names, missing profiles and bad URLs are clear errors', () => {
  expect(errorOf({ OICP_ENV: '../secrets' }).message).toContain("'../secrets' is not a profile name");
  expect(errorOf({ OICP_ENV: 'staging' }).message).toMatch(
    /data\/environments\/staging\.yaml.*file not found/,
  );
  expect(errorOf({ OICP_BASE_URL: 'service-qa.hubject.com' }).message).toContain('is not a URL');
  expect(errorOf({ OICP_BASE_URL: 'ftp://example.org' }).message).toContain('must use http or https');
});
