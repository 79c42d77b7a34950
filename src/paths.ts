import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, so that data and schema paths do not depend on the caller's working directory. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const schemasDir = path.join(projectRoot, 'schemas');
export const dataDir = path.join(projectRoot, 'data');
export const reportsDir = path.join(projectRoot, 'reports');
