import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Runs axe-core in the page and answers its serious and critical violations (all of them are
 * logged). The public pages' CSP (rightly) refuses the injected script: open them with
 * `bypassCSP: true` to audit them.
 */
export async function seriousAxeViolations(page: Page) {
  await page.addScriptTag({
    content: readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8'),
  });
  const violations = await page.evaluate(async () => {
    const run = (window as any).axe.run as (context: Document, options: object) => Promise<any>;
    const results = await run(document, { resultTypes: ['violations'] });
    return (results.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: v.impact as string,
      help: v.help as string,
      nodes: (v.nodes as any[]).slice(0, 3).map((n) => (n.target as string[]).join(' ')),
    }));
  });
  if (violations.length > 0) console.log('axe (all impacts):', JSON.stringify(violations, null, 2));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Console errors, uncaught exceptions and 4xx/5xx answers of a page, as they happen: a CSP violation shows up here. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}
