/**
 * `npm run openapi`: writes functions/api/openapi.json, the OpenAPI document generated from the
 * contracts, which `GET /openapi.json` serves as a static file (the bundle carries a copy).
 * `npm run openapi -- --check` only says whether the file is up to date (exit 1 when not).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OPENAPI_FILE, openApiFileText } from '../functions/api/openapi.ts';

const file = fileURLToPath(OPENAPI_FILE);
const text = await openApiFileText();
let current = '';
try {
  current = readFileSync(file, 'utf8');
} catch {
  // Not written yet.
}
if (process.argv.includes('--check')) {
  console.log(current === text ? `${file} is up to date` : `${file} is stale: run npm run openapi`);
  process.exit(current === text ? 0 : 1);
}
if (current !== text) writeFileSync(file, text);
console.log(`${current === text ? 'unchanged' : 'wrote'} ${file}`);
process.exit(0);
