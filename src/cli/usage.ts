/**
 * `npm run conformance -- --help` (or `-h`): the suite's own usage. A pure function, so that a test can
 * hold it to the code (every OICP_ variable the code reads is listed); printed by src/cli/conformance-command.ts
 * before anything is read, started or written.
 */

/** True when the command line asks for the usage: `--help` or `-h` before a `--` that ends the options. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}

/** The usage text of `npm run conformance`. */
export function conformanceUsage(): string {
  return `Usage: npm run conformance [-- <Playwright options>]
       npm run conformance -- --help | -h     print this text and exit

Checks that a target answers Hubject's OICP 2.3 eRoamingAuthorizeStart
(POST /api/oicp/charging/v21/operators/{operatorID}/authorize/start) the way the contract says: starts the
embedded Hubject mock (unless OICP_BASE_URL names a target), runs the scenarios, stops the mock, writes the
reports and prints a summary. Configuration and scenario files are checked before the first request.

Commands:
  npm run conformance          run the scenarios against the selected target (default: the embedded mock)
  npm test                     typecheck, lint, the suite's own tests, then the conformance run
  npm run mock                 start the embedded Hubject mock alone and print its URL
                               (-- --fault <name>, -- --replay <run>; see mock/README.md)
  npm run report               serve and open the generated Allure report
  npm run catalogue:basis      count the scenario expectations by basis (-- --list, -- --rules --json)
  npm run compare -- <A> <B>   the drift between two runs (reports folders or exchanges.jsonl)
  npm run docs:requirements    rewrite docs/requirements.md from data/oicp/statements.yaml

Environment (override the profile data/environments/<OICP_ENV>.yaml):
  OICP_ENV                 profile: mock (default) or qa
  OICP_SETTINGS_FILE       NAME=value settings read first (default data/environments/<profile>.env when it
                           exists; none: no file); the environment wins over the file
  OICP_BASE_URL            target origin; when set, the embedded mock is not started
  OICP_OPERATION_PATH      the path before /operators/{operatorID}/authorize/start (default
                           /api/oicp/charging/v21, the profile's operationPath); not with the embedded mock
  OICP_SCENARIOS           scenario files (file, folder, glob) and/or 'generated', comma-separated
                           (default: data/scenarios/ and the generated negative cases)
  OICP_TIME_BUDGET_MS      time budget of one answer, 100 to 600000 ms (default: the profile's, 10000)
  OICP_REPORTS_DIR         where the reports go (default reports/); one run at a time per folder
  OICP_ALLURE_HISTORY      the Allure history file (default <reports>/history/allure-history.jsonl)
  OICP_PLAYWRIGHT_REPORTS  Playwright's own reports besides Allure and JUnit: json, html or json,html
  OICP_SOURCE_URL          repository browse URL the report links each scenario's source to
  OICP_CLIENT_CERT         client certificate (PEM path) for mutual TLS
  OICP_CLIENT_KEY          its private key (PEM path)
  OICP_CLIENT_PFX          instead: a PFX / PKCS#12 file with key and certificate chain
  OICP_CLIENT_PASSPHRASE   passphrase of an encrypted key or PFX (never printed or reported)
  OICP_CA_CERT             a CA bundle (PEM path) to trust besides the system's
  OICP_ALLOW_PRODUCTION    must be 1 before any request goes to Hubject's production host
  OICP_COMPARE_WITH        an earlier run to compare this one with (writes drift.md / drift.json)
  OICP_MOCK_REGISTRY       the embedded mock's registry file (default data/mock/registry.yaml)
  OICP_MOCK_PORT           port of the embedded mock (default: a free port; a named port must be free)
  OICP_MOCK_REPLAY         an earlier run the embedded mock answers from instead of its registry
  OICP_MOCK_REPLAY_TIMING  with OICP_MOCK_REPLAY: recorded or none (default)
  OICP_MOCK_FAULT          the embedded mock's fault mode (npm run mock; not with OICP_MOCK_REPLAY)
  OICP_MOCK_SLOW_DELAY_MS  npm run mock: delay of the slow-answer fault (default 11000)
  OICP_MOCK_TLS_CERT       npm run mock: serve HTTPS with this certificate (PEM path)
  OICP_MOCK_TLS_KEY        npm run mock: its private key (PEM path)
  OICP_MOCK_TLS_CA         npm run mock: the CA client certificates are checked against (PEM path)
  OICP_MOCK_COMMAND        a command that starts another team's mock before the run (at OICP_BASE_URL);
                           the run stops it, and all it started, at its end or on SIGINT / SIGTERM.
                           A local target's port must be free before it starts
  OICP_MOCK_READY_URL      with OICP_MOCK_COMMAND: a URL that answers 2xx-403 once that mock is ready
  OICP_QA_*                the QA profile's test data (listed in data/environments/qa.env.example)
  OICP_RUN_AWAIT_MOCK      set by the run itself for Playwright: the embedded mock it waits for before
                           the first scenario; not to be set by hand
  OICP_RUN_ID              set by the run itself for Playwright (which refuses to run without it: use
                           npm run conformance, not npx playwright test); not to be set by hand

Playwright options pass through, e.g.:
  --grep <pattern>         run the matching scenarios, e.g. --grep @smoke
                           (tags: @smoke, @certification, @negative)
  --grep-invert <pattern>  leave the matching scenarios out
  --shard <i>/<n>          run one shard of the scenarios, e.g. --shard 1/3
  --workers <n>            number of parallel workers
  --reporter <name>        add a Playwright reporter (the suite's summary and JUnit are still written)
  --list                   list the selected scenarios without running them
  A selection that matches nothing stops the run (exit 2) unless --pass-with-no-tests is given.

Reports (in reports/, or OICP_REPORTS_DIR):
  allure-report/index.html   the Allure report: one self-contained file, opens from disk; send it as evidence
  junit.xml                  JUnit results
  run.json                   the run record (every scenario's verdicts)
  exchanges.jsonl            every exchange of the run, one JSON line per scenario (docs/exchanges.md)
  calibration.md, .json      expectations the target did not confirm, with overrides for the profile
  coverage.md, .json         what the run covered of the OICP statements and checks
  drift.md, .json            with OICP_COMPARE_WITH: the comparison with the earlier run

Exit codes:
  0  every scenario passed and the quality gate held
  1  a scenario, a run-level check or the quality gate failed (or a dead target stopped the run)
  2  configuration error (profile, settings, scenario file, empty selection, reports folder in use,
     the mock's port held by another process, Playwright started without this command): nothing was sent
  130, 143  interrupted by SIGINT (Ctrl-C) or SIGTERM: the mock and every process of the run stopped; the
     reports hold the scenarios that ran and say "interrupted by SIGTERM: N of M scenarios ran"

More: README.md, docs/configuration.md, docs/scenarios.md, mock/README.md.
`;
}
