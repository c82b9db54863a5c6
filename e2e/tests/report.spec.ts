import { test, expect } from '@playwright/test';
import { as } from './staff';

test('the dashboard draws its charts on the server and a figure drills down to its records', async ({ page }) => {
  await as(page, 'dh.head');
  await page.locator('nav.menu a[href="/dashboard"]').click();
  await expect(page.locator('#chart-trend svg')).toBeVisible();
  await expect(page.locator('#chart-domain svg')).toBeVisible();
  await expect(page.locator('#dash-checkpoint')).toContainText('树大小');
  const figure = page.locator('#fig-insp\\.visits a.figure');
  const shown = (await figure.innerText()).replace(/,/g, '');
  await figure.click();
  await expect(page.locator('#drill-value')).toBeVisible();
  const total = Number(await page.locator('#drill-total').getAttribute('data-total'));
  expect(total).toBe(Number(shown));
  expect(total).toBeGreaterThan(0);
  await expect(page.locator('#drill-rows tr.drill-row')).toHaveCount(Math.min(total, 100));
  await expect(page.locator('#drill-checkpoint')).toContainText('树大小');
  await page.locator('#drill-rows tr.drill-row a').first().click();
  await expect(page).toHaveURL(/\/inspections\/tasks\/\d+$/);
});

test('staff save a report part twice, see version two in its history and the text in the HTML export', async ({ page }) => {
  await as(page, 'dh.adviser');
  await page.locator('nav.menu a[href="/report"]').click();
  const part = page.locator('#part-2');
  await expect(part.locator('h2')).toContainText('第一责任人');
  const before = Number((await part.locator('.version-no').allInnerTexts())[0] ?? '0');
  const stamp = Date.now();
  const first = `主要负责人主持召开法治建设专题会议（第一稿 ${stamp}）。`;
  const second = `主要负责人带头述法，部署年度重点任务（第二稿 ${stamp}）。`;
  await part.locator('textarea[name="body"]').fill(first);
  await part.locator('button[type="submit"]').click();
  await expect(page.locator('#part-2 .version-no')).toHaveText(String(before + 1));
  await page.locator('#part-2 textarea[name="body"]').fill(second);
  await page.locator('#part-2 button[type="submit"]').click();
  await expect(page.locator('#part-2 .version-no')).toHaveText(String(before + 2));
  expect(before + 2).toBeGreaterThanOrEqual(2);
  await page.locator('#part-2 details.history summary').click();
  await expect(page.locator('#part-2 li.history-item')).toHaveCount(before + 2);
  await expect(page.locator('#checklist')).toContainText('监督检查户次');
  await page.locator(`#part-2 li.history-item a[href$="version=${before + 1}"]`).click();
  await expect(page.locator('#version-body')).toContainText(first);
  await page.goBack();
  await page.locator('#export-html').click();
  await expect(page.locator('body')).toContainText(second);
  await expect(page.locator('body')).not.toContainText(first);
});
