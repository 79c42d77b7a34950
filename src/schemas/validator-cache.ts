import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { writeFileAtomic } from '../atomic-file.ts';
import { projectRoot } from '../paths.ts';

// ajv's standalone code generator is published as CommonJS with a default export; under NodeNext it sits on .default.
type StandaloneCode = (ajv: Ajv2020, validate: ValidateFunction) => string;
const standaloneCode: StandaloneCode =
  (standaloneModule as unknown as { default?: StandaloneCode }).default ??
  (standaloneModule as unknown as StandaloneCode);

const require = createRequire(import.meta.url);

/** Beside the caches of the other tools (TypeScript, dependency-cruiser, knip): never part of a report. */
export const VALIDATOR_CACHE_DIR = path.join(projectRoot, 'node_modules', '.cache', 'oicp-validators');

/** The name of a fingerprint's folder. */
const FINGERPRINT = /^[0-9a-f]{32}$/;

/** Changed when the code the registry asks ajv for changes in a way its options and schemas do not show. */
const LAYOUT = '1';

/** The version of an installed package: generated code calls its runtime, so a new version is a new cache. */
function versionOf(name: string): string {
  return (require(`${name}/package.json`) as { version: string }).version;
}

/**
 * Validators compiled by ajv, kept on disk as ajv's standalone code so that the next process loads them instead
 * of compiling them again. Every process of a run (the command, Playwright's main process, each worker) judges
 * with the same schemas, and compiling them took a fifth of a second in each; loading them takes a few
 * milliseconds. One folder per fingerprint of everything the code depends on — the schemas, the options, the
 * versions of ajv and ajv-formats — so that a changed schema never meets an old validator. A cache that cannot
 * be read or written is no cache: the validator is compiled, as without one.
 */
export class ValidatorCache {
  private constructor(
    private readonly root: string,
    private readonly folder: string,
  ) {}

  /** The cache of the validators of one view of `schemas` compiled with `options`, under `root`. */
  static of(root: string, view: string, options: unknown, schemas: readonly unknown[]): ValidatorCache {
    const fingerprint = createHash('sha256');
    for (const part of [LAYOUT, versionOf('ajv'), versionOf('ajv-formats'), JSON.stringify(options)])
      fingerprint.update(part).update('\0');
    for (const schema of schemas) fingerprint.update(JSON.stringify(schema)).update('\0');
    const views = path.join(root, view);
    return new ValidatorCache(views, path.join(views, fingerprint.digest('hex').slice(0, 32)));
  }

  /** The validator of `id` as an earlier process stored it; undefined when there is none, or none usable. */
  load(id: string): ValidateFunction | undefined {
    const file = this.fileOf(id);
    if (!fs.existsSync(file)) return undefined;
    try {
      // Evaluated here rather than require()d: the module hooks of a process (Playwright's Babel transform)
      // would compile the generated code of a file outside node_modules (a test's cache folder) first, a few
      // tenths of a second a validator, for nothing. What it requires resolves from here, where ajv is.
      const module = { exports: {} as unknown };
      const evaluate: unknown = vm.runInThisContext(
        `(function (exports, require, module) {${fs.readFileSync(file, 'utf8')}\n})`,
        { filename: file },
      );
      if (typeof evaluate !== 'function') return undefined;
      evaluate(module.exports, require, module);
      return typeof module.exports === 'function' ? (module.exports as ValidateFunction) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores the validator `ajv` compiled for `id`, whole or not at all (a reader never sees half a file). */
  store(id: string, ajv: Ajv2020, validate: ValidateFunction): void {
    try {
      if (fs.mkdirSync(this.folder, { recursive: true }) !== undefined) this.removeOtherFingerprints();
      writeFileAtomic(this.fileOf(id), standaloneCode(ajv, validate));
    } catch {
      // Read-only or full: the next process compiles it again.
    }
  }

  /**
   * A new fingerprint (a schema or ajv changed) makes the validators of the others dead weight: removed when
   * its folder is made. A process that still used one compiles its validators again.
   */
  private removeOtherFingerprints(): void {
    for (const entry of fs.readdirSync(this.root, { withFileTypes: true }))
      if (
        entry.isDirectory() &&
        FINGERPRINT.test(entry.name) &&
        path.join(this.root, entry.name) !== this.folder
      )
        fs.rmSync(path.join(this.root, entry.name), { recursive: true, force: true });
  }

  private fileOf(id: string): string {
    return path.join(this.folder, `${createHash('sha256').update(id).digest('hex').slice(0, 32)}.cjs`);
  }
}
