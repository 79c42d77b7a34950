import fs from 'node:fs';
import path from 'node:path';
import type { Suite } from '@playwright/test/reporter';
import type { Writer } from 'allure-js-commons/sdk/reporter';
import { AllureReporter } from 'allure-playwright';
import { writeFileAtomic } from '../atomic-file.ts';

/**
 * allure-playwright's file writer flushes every result and attachment to the disk (fsync) before it goes
 * on, in Playwright's main process: a few milliseconds each, seven or so files per scenario, while the
 * workers wait for the main process to hand them their next scenario. The results are read by this same
 * run a moment later, never after a crash of the machine, so durability buys nothing here. This writer
 * writes the per-scenario files whole and renames them into place (a reader never sees half a file), without
 * the flush; the few files written once per run go to the original writer.
 */
class ResultsFolderWriter implements Writer {
  constructor(
    private readonly resultsDir: string,
    private readonly original: Writer,
  ) {}

  writeResult(result: Parameters<Writer['writeResult']>[0]): void {
    this.write(`${result.uuid}-result.json`, JSON.stringify(result));
  }

  writeGroup(group: Parameters<Writer['writeGroup']>[0]): void {
    this.write(`${group.uuid}-container.json`, JSON.stringify(group));
  }

  writeAttachment(distFileName: string, content: Buffer): void {
    this.write(distFileName, content);
  }

  writeAttachmentFromPath(distFileName: string, from: string): void {
    this.write(distFileName, fs.readFileSync(from));
  }

  writeEnvironmentInfo(info: Parameters<Writer['writeEnvironmentInfo']>[0]): void {
    this.original.writeEnvironmentInfo(info);
  }

  writeCategoriesDefinitions(categories: Parameters<Writer['writeCategoriesDefinitions']>[0]): void {
    this.original.writeCategoriesDefinitions(categories);
  }

  writeGlobals(distFileName: string, globals: Parameters<Writer['writeGlobals']>[1]): void {
    this.original.writeGlobals(distFileName, globals);
  }

  private write(name: string, data: string | Buffer): void {
    fs.mkdirSync(this.resultsDir, { recursive: true });
    writeFileAtomic(path.join(this.resultsDir, path.basename(name)), data);
  }
}

/** The part of allure-playwright's reporter this one reaches into: the runtime it creates in onBegin. */
interface WithRuntime {
  allureRuntime?: { writer?: Writer };
}

/**
 * allure-playwright's reporter, writing its results with ResultsFolderWriter. Should a later version of
 * allure-playwright keep its runtime elsewhere, its own writer stays: slower, never wrong.
 */
export default class AllureResultsReporter extends AllureReporter {
  private readonly resultsDir: string;

  constructor(config: ConstructorParameters<typeof AllureReporter>[0]) {
    super(config);
    this.resultsDir = path.resolve(config.resultsDir ?? 'allure-results');
  }

  override onBegin(suite: Suite): void {
    super.onBegin(suite);
    const runtime = (this as unknown as WithRuntime).allureRuntime;
    if (runtime?.writer) runtime.writer = new ResultsFolderWriter(this.resultsDir, runtime.writer);
  }
}

/** Whether the reporter writes through ResultsFolderWriter (the pinned allure-playwright keeps it so). */
export function writesWithoutFlush(reporter: AllureResultsReporter): boolean {
  return (reporter as unknown as WithRuntime).allureRuntime?.writer instanceof ResultsFolderWriter;
}
