import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { schemasDir } from '../../src/paths.ts';
import { OICP, SchemaRegistry, schemaId } from '../../src/schemas/registry.ts';
import { VALIDATOR_CACHE_DIR } from '../../src/schemas/validator-cache.ts';
import { expect, test } from '../support/test.ts';

// The validators of the suite's own schemas are kept between processes as ajv's standalone code
// (src/schemas/validator-cache.ts). Each test has a cache folder of its own.

const cacheRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-validators-'));

/** Every file of the cache, by path. */
const cached = (root: string) =>
  fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .flatMap((entry) => (entry.isFile() ? [path.join(entry.parentPath, entry.name)] : []));

const RFID = schemaId('oicp/RFIDIdentification.schema.json');
const SCENARIO = schemaId('scenario.schema.json');

/** Documents each schema judges in several ways: unknown and misspelt names, enums, formats, nulls, types. */
const DOCUMENTS: Array<[string, unknown]> = [
  [
    OICP.request,
    { OperatorID: 'DE*ABC', Identification: { RFIDMifareFamilyIdentification: { UID: '1234ABCD' } } },
  ],
  [
    OICP.request,
    {
      OperatorID: 'DE*ABC',
      EvseId: 'DE*ABC*E1',
      Identification: { RFIDMifareFamilyIdentification: { UID: 'x' } },
    },
  ],
  [
    OICP.request,
    { OperatorID: 7, Identification: { RFIDIdentification: { UID: '1234ABCD', RFID: 'mifareCls' } } },
  ],
  [RFID, { UID: '1234ABCD', RFID: 'mifareCls', ExpiryDate: 'next year' }],
  [RFID, { UID: '1234ABCD', RFID: 'mifareCls', ExpiryDate: '2030-01-01T00:00:00Z', PrintedNumber: null }],
  [SCENARIO, { feature: 'f', reference: 'not a uri', scenarios: [{ id: 'a', titel: 'typo' }] }],
  [OICP.response, { AuthorizationStatus: 'Authorised', StatusCode: { Code: '000' }, Extra: true }],
];

test('validators loaded from the cache judge exactly as compiled ones, as written and opened for answers', () => {
  const root = cacheRoot();
  const compiled = new SchemaRegistry(schemasDir, undefined);
  const storing = new SchemaRegistry(schemasDir, root);
  for (const [id, document] of DOCUMENTS) {
    storing.violations(id, document);
    storing.answerViolations(id, document);
  }
  expect(cached(root).length).toBeGreaterThanOrEqual(8);
  const loading = new SchemaRegistry(schemasDir, root);
  for (const [id, document] of DOCUMENTS) {
    const expected = compiled.violations(id, document);
    expect(loading.violations(id, document), `${id} ${JSON.stringify(document)}`).toEqual(expected);
    expect(loading.answerViolations(id, document)).toEqual(compiled.answerViolations(id, document));
  }
  // Not vacuous: most documents are refused, some with the names that were probably meant.
  const refused = DOCUMENTS.map(([id, document]) => compiled.violations(id, document));
  expect(refused.filter((v) => v.length > 0).length).toBeGreaterThanOrEqual(5);
  expect(refused.flat().some((v) => (v.candidates ?? []).length > 0)).toBe(true);
  expect(refused.flat().some((v) => v.keyword === 'format')).toBe(true);
});

test('the next registry loads what the first stored instead of compiling it', () => {
  const root = cacheRoot();
  const invalid = { OperatorID: 7 };
  expect(new SchemaRegistry(schemasDir, root).violations(OICP.request, invalid)).not.toEqual([]);
  const files = cached(root);
  expect(files.length).toBeGreaterThan(0);
  // A stored validator that accepts everything: only a registry that loads it can pass the invalid request.
  for (const file of files) fs.writeFileSync(file, 'module.exports = function accepts() { return true; };\n');
  expect(new SchemaRegistry(schemasDir, root).violations(OICP.request, invalid)).toEqual([]);
});

test('a cache file that does not load is compiled again and replaced; a cache that cannot be written is none', () => {
  const root = cacheRoot();
  const invalid = { OperatorID: 7 };
  const expected = new SchemaRegistry(schemasDir, undefined).violations(OICP.request, invalid);
  new SchemaRegistry(schemasDir, root).violations(OICP.request, invalid);
  const [file] = cached(root);
  if (!file) throw new Error('nothing was stored');
  fs.writeFileSync(file, 'this is { not JavaScript');
  expect(new SchemaRegistry(schemasDir, root).violations(OICP.request, invalid)).toEqual(expected);
  expect(fs.readFileSync(file, 'utf8')).toContain('module.exports');

  // A file where the cache folder would be: nothing is stored, every validator is compiled.
  const blocked = path.join(cacheRoot(), 'not-a-folder');
  fs.writeFileSync(blocked, '');
  expect(new SchemaRegistry(schemasDir, blocked).violations(OICP.request, invalid)).toEqual(expected);
});

test('a changed schema gets validators of its own, never the ones stored for the old text, which are removed', () => {
  const root = cacheRoot();
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-schemas-'));
  fs.cpSync(schemasDir, copy, { recursive: true });
  const request = {
    OperatorID: 'DE*ABC',
    Identification: { RFIDMifareFamilyIdentification: { UID: '1234ABCD' } },
  };
  expect(new SchemaRegistry(copy, root).violations(OICP.request, request)).toEqual([]);
  const view = path.join(root, 'as-written');
  const [before] = fs.readdirSync(view);
  const file = path.join(copy, 'oicp', 'eRoamingAuthorizeStart.schema.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as { required: string[] };
  schema.required.push('EvseID');
  fs.writeFileSync(file, JSON.stringify(schema));
  const changed = new SchemaRegistry(copy, root).violations(OICP.request, request);
  expect(changed.map((v) => v.property)).toEqual(['EvseID']);
  // A folder of its own; the old one, dead weight now, is gone (a folder that is no fingerprint is left).
  const after = fs.readdirSync(view);
  expect(after).toHaveLength(1);
  expect(after[0]).not.toBe(before);
  fs.mkdirSync(path.join(view, 'not-a-fingerprint'));
  schema.required.push('SessionID');
  fs.writeFileSync(file, JSON.stringify(schema));
  new SchemaRegistry(copy, root).violations(OICP.request, request);
  expect(fs.readdirSync(view)).toContain('not-a-fingerprint');
  expect(fs.readdirSync(view)).toHaveLength(2);
});

test("only the suite's own schemas are cached by default: a registry of another folder compiles its own", () => {
  // The suite's own validators, both views, in the default cache: the folders every process of a run uses.
  const own = new SchemaRegistry();
  own.violations(OICP.request, {});
  own.answerViolations(OICP.request, {});
  // The views and their fingerprints' folders.
  const folders = () =>
    fs
      .readdirSync(VALIDATOR_CACHE_DIR, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
  const before = folders();
  // Another folder of schemas (a changed copy: another fingerprint) adds no folder there.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-schemas-'));
  fs.cpSync(schemasDir, copy, { recursive: true });
  const file = path.join(copy, 'oicp', 'eRoamingAuthorizeStart.schema.json');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"title"', '"$comment": "a copy", "title"'));
  const registry = new SchemaRegistry(copy);
  expect(registry.violations(OICP.request, { OperatorID: 7 })).not.toEqual([]);
  expect(registry.answerViolations(OICP.request, { OperatorID: 7 })).not.toEqual([]);
  expect(folders()).toEqual(before);
});
