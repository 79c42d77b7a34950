import path from 'node:path';
import { InputError } from '../input/errors.ts';
import { YamlSource } from '../input/yaml-file.ts';
import { dataDir } from '../paths.ts';
import { type SchemaRegistry, schemaId } from '../schemas/registry.ts';

/**
 * The statements of Hubject's published OICP 2.3 contract that concern eRoamingAuthorizeStart
 * (data/oicp/statements.yaml). A rule expectation of a scenario cites one of them by id, a check names the
 * ones it enforces, and docs/requirements.md lists them all with what covers each. Keeping the passage in
 * one place means a quote is written once and every citation of it reads the same.
 */

const STATEMENTS_FILE = path.join(dataDir, 'oicp', 'statements.yaml');

/** The published documents a statement can come from, with where a reader finds them. */
export const SOURCES = {
  'cpo-01': {
    title: 'OICP 2.3 CPO, 01 Communication Paradigms',
    url: 'https://github.com/hubject/oicp/blob/master/OICP-2.3/OICP%202.3%20CPO/01_CPO_Communication_Paradigms.asciidoc',
  },
  'cpo-02': {
    title: 'OICP 2.3 CPO, 02 Services and Operations',
    url: 'https://github.com/hubject/oicp/blob/master/OICP-2.3/OICP%202.3%20CPO/02_CPO_Services_and_Operations.asciidoc',
  },
  'cpo-03': {
    title: 'OICP 2.3 CPO, 03 Data Types',
    url: 'https://github.com/hubject/oicp/blob/master/OICP-2.3/OICP%202.3%20CPO/03_CPO_Data_Types.asciidoc',
  },
  'cpo-04': {
    title: 'OICP 2.3 CPO, 04 Business Process Diagrams (eRoamingAuthorization)',
    url: 'https://github.com/hubject/oicp/blob/master/OICP-2.3/OICP%202.3%20CPO/images/eroamingauthorization.png',
  },
  openapi: {
    title: 'OICP 2.3 CPO OpenAPI',
    url: 'https://hubject.github.io/oicp-cpo-2.3-api-doc/#tag/eRoamingAuthorization/operation/eRoamingAuthorizeStart_v2.1',
  },
  export: {
    title: "Hubject's authorization API 2.1 export (OICP 2.3)",
    url: 'https://github.com/hubject/oicp/tree/6dada2f2c72cc3dc1d0295d018ceaff241c57662/OICP-2.3/SWAGGER%20DOCUMENTATION',
  },
  'integration-guide': {
    title: "Hubject's OICP 2.3 integration guide, eRoamingAuthorizeStart Service",
    url: 'https://hubject.atlassian.net/wiki/spaces/FinalOICP',
  },
} as const;

export type SourceId = keyof typeof SOURCES;

export interface Statement {
  id: string;
  source: SourceId;
  section: string;
  /** A few words of the passage, word for word. */
  quote: string;
  /** What it says about AuthorizeStart, in our words. */
  says: string;
  strength?: 'MUST' | 'SHOULD' | 'MAY' | 'field' | 'flow' | 'fact';
  concerns?: 'request' | 'answer' | 'hubject' | 'not-authorize-start';
  /** Why nothing covers it, where nothing does. */
  uncovered?: string;
  /** Line of the entry in the statements file. */
  line: number;
}

/** How a statement is cited in messages and reports: document, section and the quoted words. */
export function citationOf(statement: Pick<Statement, 'source' | 'section' | 'quote'>): string {
  return `${SOURCES[statement.source].title}, ${statement.section}: “${statement.quote}”`;
}

export type Statements = ReadonlyMap<string, Statement>;

const loaded = new Map<string, Statements>();

/** The statements, read and validated once per process (an error names the file, line and field). */
export function loadStatements(registry: SchemaRegistry, file = STATEMENTS_FILE): Statements {
  const cached = loaded.get(file);
  if (cached) return cached;
  const source = YamlSource.read(file, 'OICP statements file');
  source.validate(registry, schemaId('oicp-statements.schema.json'), 'OICP statements file');
  const { statements } = source.data as { statements: Omit<Statement, 'line'>[] };
  const byId = new Map<string, Statement>();
  const duplicates = statements.flatMap((statement, index) => {
    const line = source.locate(['statements', index]).line ?? 1;
    if (byId.has(statement.id))
      return [source.problem(['statements', index, 'id'], `duplicate statement id '${statement.id}'`)];
    byId.set(statement.id, { ...statement, line });
    return [];
  });
  if (duplicates.length > 0) throw new InputError('Invalid OICP statements file', duplicates);
  loaded.set(file, byId);
  return byId;
}
