import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Suite } from '@playwright/test/reporter';
import type { Writer } from 'allure-js-commons/sdk/reporter';
import AllureResultsReporter, { writesWithoutFlush } from '../../src/playwright/allure-results-reporter.ts';
import { expect, test } from '../support/test.ts';

function begun(resultsDir: string): { reporter: AllureResultsReporter; writer: Writer } {
  const reporter = new AllureResultsReporter({ resultsDir });
  reporter.onBegin({ allTests: () => [], suites: [] } as unknown as Suite);
  const writer = (reporter as unknown as { allureRuntime: { writer: Writer } }).allureRuntime.writer;
  return { reporter, writer };
}

test('the pinned allure-playwright writes its results through the writer without a flush per file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-allure-writer-'));
  const { reporter } = begun(path.join(dir, 'allure-results'));
  expect(writesWithoutFlush(reporter)).toBe(true);
});

test('results, containers and attachments are written whole under their names, with no temporary file left', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oicp-allure-writer-'));
  const resultsDir = path.join(dir, 'allure-results');
  const { writer } = begun(resultsDir);
  const result = { uuid: 'r-1', name: 'a scenario [x]', steps: [] } as unknown as Parameters<
    Writer['writeResult']
  >[0];
  writer.writeResult(result);
  writer.writeGroup({ uuid: 'g-1', children: ['r-1'] } as unknown as Parameters<Writer['writeGroup']>[0]);
  writer.writeAttachment('a-1-attachment.json', Buffer.from('{"answer":1}'));
  const source = path.join(dir, 'evidence.txt');
  fs.writeFileSync(source, 'from a file');
  writer.writeAttachmentFromPath('a-2-attachment.txt', source);
  writer.writeEnvironmentInfo({ target: 'http://127.0.0.1:1' });
  expect(JSON.parse(fs.readFileSync(path.join(resultsDir, 'r-1-result.json'), 'utf8'))).toEqual(result);
  expect(JSON.parse(fs.readFileSync(path.join(resultsDir, 'g-1-container.json'), 'utf8')).children).toEqual([
    'r-1',
  ]);
  expect(fs.readFileSync(path.join(resultsDir, 'a-1-attachment.json'), 'utf8')).toBe('{"answer":1}');
  expect(fs.readFileSync(path.join(resultsDir, 'a-2-attachment.txt'), 'utf8')).toBe('from a file');
  expect(fs.readFileSync(path.join(resultsDir, 'environment.properties'), 'utf8')).toContain('target');
  expect(fs.readdirSync(resultsDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
});
