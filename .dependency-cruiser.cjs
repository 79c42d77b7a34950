// Import rules of the suite, checked by `npm run lint` (dependency-cruiser): layers that only point down,
// no cycle among files, the mock apart from the checks. docs/architecture.md draws the same map.

/**
 * The rooms of src/, lowest first. A room may import the rooms of its own layer and of the layers below,
 * never one above: the core knows nothing of the run, the run nothing of its reports, the reports nothing of
 * the command line.
 */
const LAYERS = [
  // Pure helpers and input: text, redaction, project paths, atomic files and locks; guarded reading; schemas.
  ['core', '^src/[^/]+\\.ts$|^src/(input|schemas)/'],
  // What a run is made of: a scenario, an exchange with the target (request, transport, exchange log), a
  // check, and the record of a run (verdicts, run record, failure categories, the run's scope). One layer:
  // an exchange names its scenario, a log entry carries the verdicts; the file cycles rule still holds.
  ['model', '^src/(scenarios|checks|exchange|record)/'],
  // Loading a profile and its settings; the reports folder (paths, lock, run-level attachments).
  ['configuration', '^src/(config|reports-folder)/'],
  // The generated negative cases (they need the profile).
  ['negatives', '^src/negatives/'],
  // Running scenarios: the worker's run of one scenario, the suite, the processes of a run.
  ['run', '^src/run/'],
  // After the run: pure analysis over the run record and the exchanges.
  ['analysis', '^src/(calibration|coverage|drift)/'],
  // Outputs: Allure, JUnit, the console summary, the quality gate.
  ['outputs', '^src/report/'],
  // Playwright's wiring: its reporters and global setup, the spec and its fixtures, the configuration.
  ['wiring', '^src/playwright/|^specs/|^playwright\\.config\\.ts$'],
  // The command lines.
  ['cli', '^src/cli/'],
];

const forbidden = LAYERS.flatMap(([name, from], index) => {
  const above = LAYERS.slice(index + 1).map(([, path]) => `(${path})`);
  if (above.length === 0) return [];
  return [
    {
      name: `layer-${name}`,
      comment: `the ${name} layer imports a layer above it (see .dependency-cruiser.cjs, docs/architecture.md)`,
      severity: 'error',
      from: { path: from },
      to: { path: above.join('|') },
    },
  ];
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle among files: one of them belongs in a lower room',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...forbidden,
    {
      name: 'mock-apart',
      comment: 'the mock shares no code with the suite beyond the guarded input reading of src/input',
      severity: 'error',
      from: { path: '^mock/' },
      to: { path: '^(src|specs)/', pathNot: '^src/input/' },
    },
    {
      name: 'suite-without-mock',
      comment: 'the suite judges a target; it never imports the mock it may be judging',
      severity: 'error',
      from: { path: '^(src|specs)/|^playwright\\.config\\.ts$' },
      to: { path: '^mock/' },
    },
    {
      name: 'no-tests-in-product',
      comment: 'the product never imports its tests or its scripts',
      severity: 'error',
      from: { path: '^(src|specs|mock)/' },
      to: { path: '^(tests|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
