import fs from 'node:fs';
import { DEFAULT_TIME_BUDGET_MS, loadProfile, profileFile } from '../../src/config/profile.ts';
import { checkBaseUrl, DEFAULT_OPERATION_PATH } from '../../src/config/target-url.ts';
import { describeTargetTls } from '../../src/config/tls.ts';
import { operationUrl } from '../../src/exchange/request.ts';
import { InputError } from '../../src/input/errors.ts';
import { loadSuiteFresh } from '../../src/run/suite.ts';
import { schemaRegistry } from '../../src/schemas/registry.ts';
import { type TestPki, testPki } from '../support/pki.ts';
import { qaEnvironmentFromMockData } from '../support/qa-environment.ts';
import { expect, test } from '../support/test.ts';

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

/**
 * The QA profile fed with the embedded mock's test data (every OICP_QA_* variable from the mock profile's
 * value of the same variable) and a throwaway client certificate.
 */
function qaEnvironment(): Record<string, string> {
  return { ...qaEnvironmentFromMockData(), OICP_CLIENT_PFX: pki.pfx, OICP_CLIENT_PASSPHRASE: pki.passphrase };
}

let pki: TestPki;
test.beforeAll(() => {
  pki = testPki();
});

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
    "OICP_TIME_BUDGET_MS: must be a whole number from 100 to 600000 ms, got 'fast'",
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
  // Optional test data (a default, or empty: its scenarios are skipped) is not demanded.
  expect(names).not.toContain('OICP_QA_UNKNOWN_UID');
  expect(names).not.toContain('OICP_QA_OUT_OF_SERVICE_EVSE_ID');
  // The client certificate is part of the same list.
  expect(names.some((n) => n.includes('OICP_CLIENT_CERT and OICP_CLIENT_KEY'))).toBe(true);
  expect(error.problems[0]).toMatchObject({
    file: 'data/environments/qa.yaml',
    field: 'variables.operatorId',
  });
  expect(error.problems[0]?.line).toBeGreaterThan(1);
});

test('the QA profile with its settings targets Hubject QA with one worker', () => {
  const profile = loadProfile(registry, { ...qaEnvironment(), OICP_QA_QR_PIN: '9876' });
  expect(profile.baseUrl).toBe('https://service-qa.hubject.com');
  expect(profile.hubject).toBe(true);
  expect(profile.workers).toBe(1);
  expect(profile.startEmbeddedMock).toBe(false);
  expect(profile.variables.unknownUid).toBe('0A1B2C3D');
  expect(profile.variables.qrPin).toBe('9876');
  expect(profile.minIntervalMs).toBe(500);
  expect(profile.retry).toEqual({ attempts: 2, onStatus: [408, 502, 503, 504], delayMs: 2000 });
});

test("Hubject's production host is refused unless OICP_ALLOW_PRODUCTION=1", () => {
  expect(
    loadProfile(registry, {
      ...qaEnvironment(),
      OICP_BASE_URL: 'https://service.hubject.com',
      OICP_ALLOW_PRODUCTION: '1',
    }).baseUrl,
  ).toBe('https://service.hubject.com');
  expect(loadProfile(registry, { OICP_BASE_URL: 'https://service-qa.hubject.com' }).baseUrl).toBe(
    'https://service-qa.hubject.com',
  );
});

// Every way of spelling the production host that resolvers and TLS treat as the same host.
const PRODUCTION_SPELLINGS: Array<[spellingClass: string, url: string]> = [
  ['plain', 'https://service.hubject.com'],
  ['letter case', 'https://SERVICE.Hubject.COM'],
  ['trailing root dot', 'https://service.hubject.com.'],
  ['several trailing dots', 'https://service.hubject.com..'],
  ['port', 'https://service.hubject.com:443/'],
  ['other port', 'http://service.hubject.com:8080'],
  ['path and trailing slash', 'https://service.hubject.com/api/'],
  ['percent-encoded dots', 'https://service%2Ehubject%2Ecom'],
  ['percent-encoded trailing dot', 'https://service.hubject.com%2E'],
  ['percent-encoded letters', 'https://%73ervice.hubject.com'],
  ['ideographic full stop', 'https://service\u3002hubject\u3002com'],
  ['full-width full stop', 'https://service\uFF0Ehubject\uFF0Ecom'],
  ['half-width ideographic full stop', 'https://service\uFF61hubject.com'],
  ['full-width letters', 'https://\uFF53\uFF45\uFF52\uFF56\uFF49\uFF43\uFF45.hubject.com'],
  ['soft hyphen (ignored by IDNA)', 'https://ser\u00ADvice.hubject.com'],
  ['zero-width space (ignored by IDNA)', 'https://service.hubject.com\u200B'],
  ['surrounding whitespace', ' https://service.hubject.com '],
];

test.describe('the production guard compares hosts by identity, not spelling', () => {
  for (const [spellingClass, url] of PRODUCTION_SPELLINGS) {
    test(`${spellingClass}: ${JSON.stringify(url)}`, () => {
      const error = errorOf({ ...qaEnvironment(), OICP_BASE_URL: url });
      expect(error.message).toContain('Refusing to run against Hubject production');
      expect(error.message).toContain('OICP_ALLOW_PRODUCTION=1');
      expect(checkBaseUrl(url.trim(), { OICP_ALLOW_PRODUCTION: '1' }, { file: 'x', field: 'x' })).toMatch(
        /^https?:\/\/service\.hubject\.com/,
      );
    });
  }

  test('user names in the URL are refused (they would be sent and logged), production or not', () => {
    for (const url of ['https://user:pw@service.hubject.com', 'https://qa-user@service-qa.hubject.com']) {
      expect(errorOf({ ...qaEnvironment(), OICP_BASE_URL: url }).message).toMatch(
        /Refusing to run against Hubject production|a user name or password in the URL/,
      );
    }
  });

  test('hosts that only look alike are not production', () => {
    for (const url of [
      'https://service-qa.hubject.com',
      'https://service.hubject.com.example',
      'https://api.service.hubject.com',
      'https://servicehubject.com',
    ]) {
      expect(checkBaseUrl(url, {}, { file: 'OICP_BASE_URL', field: 'OICP_BASE_URL' })).toBe(
        new URL(url).origin,
      );
    }
  });

  test("a profile's baseUrl is held to the same guard as OICP_BASE_URL", () => {
    const name = `guard-test-${process.pid}-${Date.now()}`;
    const file = profileFile(name);
    fs.writeFileSync(file, `name: ${name}\nbaseUrl: https://SERVICE.hubject.com.:443\nvariables: {}\n`);
    try {
      const error = errorOf({ OICP_ENV: name });
      expect(error.message).toContain('Refusing to run against Hubject production');
      expect(error.message).toMatch(new RegExp(`${name}\\.yaml:2:\\d+ baseUrl:`));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

test('numbers out of range are configuration errors, named', () => {
  expect(errorOf({ OICP_TIME_BUDGET_MS: '3000000000' }).message).toContain(
    "OICP_TIME_BUDGET_MS: must be a whole number from 100 to 600000 ms, got '3000000000'",
  );
  expect(errorOf({ OICP_TIME_BUDGET_MS: '-5' }).message).toContain('OICP_TIME_BUDGET_MS');
  expect(errorOf({ OICP_MOCK_PORT: '70000' }).message).toContain(
    "OICP_MOCK_PORT: must be a whole number from 0 to 65535, got '70000'",
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

test('optional test data left empty makes its scenarios skip, naming the variable to set', () => {
  const env: Record<string, string> = {
    ...qaEnvironment(),
    OICP_SCENARIOS: 'tests/fixtures/scenarios/optional-test-data.yaml',
  };
  delete env.OICP_QA_UNREADABLE_UID;
  const profile = loadProfile(registry, env);
  expect(profile.variables.unreadableUid).toBe('');
  expect(profile.unavailable).toMatchObject({ unreadableUid: 'OICP_QA_UNREADABLE_UID' });
  const { scenarios } = loadSuiteFresh(env);
  expect(scenarios.map((s) => [s.id, s.skipReason])).toEqual([
    [
      'fixture-unreadable-card-refused',
      "profile 'qa' has no test data for {{unreadableUid}} (set OICP_QA_UNREADABLE_UID)",
    ],
    ['fixture-core-card-authorized', undefined],
  ]);
});

test('a client certificate is required by the QA profile: a PEM pair or a PFX satisfies it', () => {
  const env = { ...qaEnvironment() };
  delete env.OICP_CLIENT_PFX;
  delete env.OICP_CLIENT_PASSPHRASE;
  expect(errorOf(env).message).toContain('tls.clientCertificateRequired: needs your client certificate');
  const { cert, key } = pki.client('abc');
  expect(loadProfile(registry, { ...env, OICP_CLIENT_CERT: cert, OICP_CLIENT_KEY: key }).tls.clientCert).toBe(
    cert,
  );
});

/** Writes a profile of its own into data/environments for one test, and removes it afterwards. */
function withProfile<T>(lines: string[], use: (name: string) => T): T {
  const name = `path-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const file = profileFile(name);
  fs.writeFileSync(file, [`name: ${name}`, ...lines, ''].join('\n'));
  try {
    return use(name);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

test.describe('a base URL holds the origin only: the operation path is the suite’s to append', () => {
  for (const url of [
    'https://service-qa.hubject.com/api/oicp/charging/v21',
    'https://service-qa.hubject.com/api/oicp/charging/v21/',
    'https://service-qa.hubject.com/API/OICP/charging/v21',
    'https://service-qa.hubject.com/api/oicp/charging/v21/operators/DE*ABC/authorize/start',
    'https://service-qa.hubject.com/api%2Foicp/charging/v21',
    'https://gateway.example/hubject/api/oicp/charging/v21',
    'http://127.0.0.1:9000/api/oicp/charging/v22',
  ]) {
    test(`OICP_BASE_URL ${url} is a configuration error naming OICP_BASE_URL`, () => {
      const error = errorOf({ ...qaEnvironment(), OICP_BASE_URL: url });
      expect(error.message).toContain('nothing was sent');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatchObject({ file: 'OICP_BASE_URL', field: 'OICP_BASE_URL' });
      expect(error.problems[0]?.message).toContain("already contains the operation's path");
      expect(error.problems[0]?.message).toContain('set OICP_BASE_URL to the origin only');
      expect(error.problems[0]?.message).toContain(new URL(url).origin);
    });
  }

  test("a profile's baseUrl with the operation path is refused at its line, naming the key", () => {
    withProfile(
      ['baseUrl: https://service-qa.hubject.com/api/oicp/charging/v21', 'variables: {}'],
      (name) => {
        const error = errorOf({ OICP_ENV: name });
        expect(error.message).toMatch(
          new RegExp(`${name}\\.yaml:2:\\d+ baseUrl: .*already contains the operation's path`),
        );
        expect(error.message).toContain("set the profile's baseUrl to the origin only");
      },
    );
  });

  test('a path prefix that is not the operation path is still taken (a gateway in front of the target)', () => {
    expect(loadProfile(registry, { OICP_BASE_URL: 'http://127.0.0.1:9000/hubject/' }).baseUrl).toBe(
      'http://127.0.0.1:9000/hubject',
    );
    expect(loadProfile(registry, { OICP_BASE_URL: 'https://oicp.example/operators-gateway' }).baseUrl).toBe(
      'https://oicp.example/operators-gateway',
    );
  });
});

test.describe('OICP_OPERATION_PATH names the path before /operators/{operatorID}/authorize/start', () => {
  test("the default is Hubject's path, and the request URL is built on it", () => {
    const profile = loadProfile(registry, { OICP_BASE_URL: 'http://127.0.0.1:9000' });
    expect(profile.operationPath).toBe(DEFAULT_OPERATION_PATH);
    expect(operationUrl(profile.baseUrl, 'DE*ABC', profile.operationPath)).toBe(
      'http://127.0.0.1:9000/api/oicp/charging/v21/operators/DE*ABC/authorize/start',
    );
  });

  test('another path is taken, trailing slashes dropped, and the request goes there', () => {
    const profile = loadProfile(registry, {
      OICP_BASE_URL: 'http://127.0.0.1:9000',
      OICP_OPERATION_PATH: ' /emp-gateway/oicp/v2.3/ ',
    });
    expect(profile.operationPath).toBe('/emp-gateway/oicp/v2.3');
    expect(operationUrl(profile.baseUrl, 'DE*ABC', profile.operationPath)).toBe(
      'http://127.0.0.1:9000/emp-gateway/oicp/v2.3/operators/DE*ABC/authorize/start',
    );
    // `/`: the operation at the target's root.
    const root = loadProfile(registry, { OICP_BASE_URL: 'http://127.0.0.1:9000', OICP_OPERATION_PATH: '/' });
    expect(operationUrl(root.baseUrl, 'DE*ABC', root.operationPath)).toBe(
      'http://127.0.0.1:9000/operators/DE*ABC/authorize/start',
    );
  });

  for (const [why, value] of [
    ['no leading slash', 'api/oicp/charging/v21'],
    ['a query', '/api/oicp?x=1'],
    ['a fragment', '/api/oicp#v21'],
    ['..', '/api/../admin'],
    ['percent-encoded ..', '/api/%2e%2E/admin'],
    ['a control character', '/api/oicp\u0000/v21'],
    ['a line break', '/api/oicp\r\nX-Injected: 1'],
    ['a space', '/api/oicp charging'],
    ['a protocol-relative start', '//evil.example/api'],
    ['the operation itself', '/api/oicp/charging/v21/operators/DE*ABC/authorize/start'],
  ] as const) {
    test(`${why} is a configuration error naming OICP_OPERATION_PATH`, () => {
      const error = errorOf({ OICP_BASE_URL: 'http://127.0.0.1:9000', OICP_OPERATION_PATH: value });
      expect(error.message).toContain('nothing was sent');
      expect(error.problems[0]).toMatchObject({ file: 'OICP_OPERATION_PATH', field: 'OICP_OPERATION_PATH' });
      expect(error.problems[0]?.message).toContain('/operators/{operatorID}/authorize/start');
    });
  }

  test('a base URL holding the configured operation path is refused too', () => {
    const error = errorOf({
      OICP_BASE_URL: 'http://127.0.0.1:9000/emp/v2',
      OICP_OPERATION_PATH: '/emp/v2',
    });
    expect(error.problems[0]?.message).toContain("already contains the operation's path (/emp/v2)");
  });

  test('the embedded mock answers at Hubject’s path only: another path for it is an error', () => {
    const error = errorOf({ OICP_OPERATION_PATH: '/emp/v2' });
    expect(error.problems[0]?.field).toBe('OICP_OPERATION_PATH');
    expect(error.problems[0]?.message).toContain('the embedded mock answers at /api/oicp/charging/v21 only');
    expect(loadProfile(registry, { OICP_OPERATION_PATH: DEFAULT_OPERATION_PATH }).operationPath).toBe(
      DEFAULT_OPERATION_PATH,
    );
  });

  test("a profile's operationPath is taken, checked at its line, and OICP_OPERATION_PATH wins over it", () => {
    const schema = JSON.parse(fs.readFileSync('schemas/environment.schema.json', 'utf8')) as {
      properties: Record<string, unknown>;
    };
    test.skip(
      !('operationPath' in schema.properties),
      'schemas/environment.schema.json does not declare operationPath yet (its owner adds it)',
    );
    withProfile(['baseUrl: http://127.0.0.1:9000', 'operationPath: /emp/v2/', 'variables: {}'], (name) => {
      expect(loadProfile(registry, { OICP_ENV: name }).operationPath).toBe('/emp/v2');
      expect(loadProfile(registry, { OICP_ENV: name, OICP_OPERATION_PATH: '/other' }).operationPath).toBe(
        '/other',
      );
    });
    withProfile(['baseUrl: http://127.0.0.1:9000', 'operationPath: emp/../v2', 'variables: {}'], (name) => {
      expect(errorOf({ OICP_ENV: name }).message).toMatch(new RegExp(`${name}\\.yaml:3:\\d+ operationPath:`));
    });
  });
});

test.describe('a profile that requires a client certificate, against a plain-HTTP target on this machine', () => {
  function withoutCertificate(): Record<string, string> {
    const env = { ...qaEnvironment() };
    delete env.OICP_CLIENT_PFX;
    delete env.OICP_CLIENT_PASSPHRASE;
    return env;
  }

  for (const url of [
    'http://127.0.0.1:9000',
    'http://127.4.5.6:9000',
    'http://localhost:9000',
    'http://[::1]:9000',
  ]) {
    test(`${url}: no client certificate is needed, and the TLS line says the run goes without one`, () => {
      const profile = loadProfile(registry, { ...withoutCertificate(), OICP_BASE_URL: url });
      expect(profile.baseUrl).toBe(url);
      expect(profile.tls.clientCert).toBeUndefined();
      expect(profile.tls.pfx).toBeUndefined();
      expect(profile.withoutClientCertificate).toContain("profile 'qa' requires a client certificate");
      expect(profile.withoutClientCertificate).toContain('running without one');
      expect(describeTargetTls(profile)).toMatch(
        /^TLS: none — .*plain HTTP on this machine: running without one$/,
      );
    });
  }

  for (const url of ['http://qa-mock.example:9000', 'http://10.0.0.5:9000', 'https://127.0.0.1:9443']) {
    test(`${url}: the client certificate is still required`, () => {
      expect(errorOf({ ...withoutCertificate(), OICP_BASE_URL: url }).message).toContain(
        'tls.clientCertificateRequired: needs your client certificate',
      );
    });
  }

  test('with a certificate given, or a profile that requires none, nothing is said', () => {
    const withCertificate = loadProfile(registry, {
      ...qaEnvironment(),
      OICP_BASE_URL: 'http://127.0.0.1:9000',
    });
    expect(withCertificate.withoutClientCertificate).toBeUndefined();
    expect(describeTargetTls(withCertificate)).toBeUndefined();
    const mock = loadProfile(registry, { OICP_BASE_URL: 'http://127.0.0.1:9000' });
    expect(mock.withoutClientCertificate).toBeUndefined();
    expect(describeTargetTls(mock)).toBeUndefined();
    const qa = loadProfile(registry, qaEnvironment());
    expect(describeTargetTls(qa)).toMatch(/^TLS: client PFX /);
  });
});
