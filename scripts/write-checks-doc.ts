import fs from 'node:fs';
import path from 'node:path';
import { CHECKS } from '../src/checks/registry.ts';
import { projectRoot } from '../src/paths.ts';
import { renderChecksDoc } from '../src/report/checks-doc.ts';

const file = path.join(projectRoot, 'docs', 'checks.md');
fs.writeFileSync(file, renderChecksDoc(CHECKS));
console.log(`wrote ${path.relative(process.cwd(), file)}`);
