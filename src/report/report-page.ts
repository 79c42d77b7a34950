import type { Page } from '@playwright/test';

/**
 * Driving the Allure 3 report page in a browser (screenshots, the report's own tests). The page keeps no
 * open/closed marker on the tree's groups: a click that shrinks the tree closed a group, and is undone.
 */
export async function expandTree(page: Page): Promise<void> {
  const tree = page.locator('[data-testid="tree-content"]').first();
  await tree.waitFor();
  const size = async () => (await tree.textContent())?.length ?? 0;
  const opened = new Set<string>();
  for (let round = 0; round < 500; round++) {
    const ids = await page
      .locator('[data-testid="tree-section"]')
      .evaluateAll((sections) => sections.map((section) => section.getAttribute('data-tree-node-id') ?? ''));
    const next = ids.find((id) => id !== '' && !opened.has(id));
    if (next === undefined) return;
    opened.add(next);
    const arrow = page.locator(`[data-tree-node-id="${next}"] > [data-testid="tree-arrow"]`);
    const before = await size();
    await arrow.click();
    if ((await size()) < before) await arrow.click();
  }
}
