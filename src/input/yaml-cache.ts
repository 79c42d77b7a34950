import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import { projectRoot } from '../paths.ts';

/**
 * What parsing a YAML file yields — its data and where each value was written — kept on disk as JSON, so that
 * the next process reads it instead of parsing the file again. Every process of a run (the command, Playwright's
 * main process, each worker, a worker started again after a failed scenario) reads the same catalogue, OICP
 * statements and profile; parsing them cold took a fifth to a third of a second in each. One entry per file of
 * the project (tests/ and data/ alike: a file outside it is parsed each time), named after the file's path and
 * holding the hash of the text it was made from: an edited file is parsed again and its entry replaced, so the
 * cache never holds more entries than the project has YAML files. A cache that cannot be read or written is no
 * cache. A file that does not parse is never cached: its errors are found again, with their lines.
 */

/** Where a value was written: its line and column, and those of its key (the same for a list item). */
export interface Written {
  line: number;
  column: number;
  keyLine: number;
  keyColumn: number;
  /** A list: its items are found by index (`node.get(Number(segment))`), not by key. */
  list?: true;
}

/** Every place of a document that can be named by a path, by the path (JSON of its segments as text). */
export type Places = ReadonlyMap<string, Written>;

export interface ParsedYaml {
  data: unknown;
  places: Places;
}

/** Beside the caches of the other tools (TypeScript, dependency-cruiser, knip): never part of a report. */
const YAML_CACHE_DIR = path.join(projectRoot, 'node_modules', '.cache', 'oicp-yaml');

/** Changed when what an entry holds changes; with yaml's version, the name of the folder the entries are in. */
const LAYOUT = '1';

const yamlVersion = (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;

/** The data of an entry must come back from JSON exactly as yaml gave it: no ±Infinity, NaN or -0. */
function exactJson(data: unknown): string | undefined {
  let exact = true;
  const text = JSON.stringify(data, (_key, value: unknown) => {
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) exact = false;
    return value;
  });
  return exact ? text : undefined;
}

export class YamlCache {
  private readonly folder: string;

  /** Entries under `root` for the files under `scope`. */
  constructor(
    private readonly root: string,
    private readonly scope: string,
  ) {
    this.folder = path.join(root, `${LAYOUT}-${yamlVersion}`);
  }

  /** What an earlier process stored for `file` with this `text`; undefined when there is none, or none usable. */
  load(file: string, text: string): ParsedYaml | undefined {
    const entry = this.entryOf(file);
    if (!entry) return undefined;
    try {
      const stored = JSON.parse(fs.readFileSync(entry, 'utf8')) as {
        text: string;
        data: unknown;
        places: Array<[string, Written]>;
      };
      if (stored.text !== hashOf(text) || !Array.isArray(stored.places)) return undefined;
      return { data: stored.data, places: new Map(stored.places) };
    } catch {
      return undefined;
    }
  }

  /** Stores what parsing `text` of `file` yielded, whole or not at all (a reader never sees half an entry). */
  store(file: string, text: string, parsed: ParsedYaml): void {
    const entry = this.entryOf(file);
    const data = entry === undefined ? undefined : exactJson(parsed.data);
    if (entry === undefined || data === undefined) return;
    try {
      if (fs.mkdirSync(this.folder, { recursive: true }) !== undefined) this.removeOtherLayouts();
      const places = JSON.stringify([...parsed.places]);
      // For the owner only: a profile or scenario file may hold a value its owner keeps from others.
      writeFileAtomic(
        entry,
        `{"text":${JSON.stringify(hashOf(text))},"data":${data},"places":${places}}`,
        0o600,
      );
    } catch {
      // Read-only or full: the next process parses the file again.
    }
  }

  /** The entry of a file of the project; none for a file outside it or in node_modules. */
  private entryOf(file: string): string | undefined {
    const relative = path.relative(this.scope, path.resolve(file));
    if (
      relative.startsWith('..') ||
      path.isAbsolute(relative) ||
      relative.split(path.sep).includes('node_modules')
    )
      return undefined;
    return path.join(this.folder, `${hashOf(relative).slice(0, 32)}.json`);
  }

  /** Entries of another layout or yaml version are dead weight: removed when this one's folder is made. */
  private removeOtherLayouts(): void {
    for (const other of fs.readdirSync(this.root))
      if (other !== path.basename(this.folder) && /^\d+-[\w.-]+$/.test(other))
        fs.rmSync(path.join(this.root, other), { recursive: true, force: true });
  }
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The cache of the project's YAML files. */
export const projectYamlCache = new YamlCache(YAML_CACHE_DIR, projectRoot);
