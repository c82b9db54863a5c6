import { test, expect, Page } from '@playwright/test';

const PASSWORD = 'fazhi-demo-2026';

async function login(page: Page, username: string) {
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await expect(page.locator('#home-title')).toBeVisible();
}

test('a section head opens an entity, corrects its address and sees the change in its history', async ({ page }) => {
  await login(page, 'dh.section');
  await page.goto('/registry/entities?q=%E5%AE%BE%E9%A6%86');
  await page.locator('#entities tbody tr a').first().click();
  await expect(page.locator('#record-title')).toContainText('宾馆');
  await expect(page.locator('#history')).toContainText('demo.csv');
  const address = page.locator('#field-address');
  const corrected = (await address.inputValue()) + '（复核）';
  await address.fill(corrected);
  await page.locator('#field-region_code').fill('99010');
  await page.locator('#record-save').click();
  await expect(page.locator('#record-error')).toContainText('行政区划代码');
  await expect(page.locator('#field-address')).toHaveValue(corrected);
  await page.locator('#field-region_code').fill('990102');
  await page.locator('#record-save').click();
  await expect(page.locator('#record-notice')).toContainText('已保存');
  await expect(page.locator('#history tbody tr').first()).toContainText('（复核）');
  await page.screenshot({ path: 'test-results/entity-record.png', fullPage: true });
});

test('the no-penalty list and the spot-check list are shown and export to Excel', async ({ page }) => {
  await login(page, 'dh.head');
  await page.goto('/registry/powers');
  await page.locator('nav.subnav a[href="/registry/no-penalty"]').click();
  await expect(page.locator('#no-penalty')).toContainText('首违不罚');
  const download = page.waitForEvent('download');
  await page.locator('#export-xlsx').click();
  expect((await download).suggestedFilename()).toBe('no-penalty.xlsx');
  await page.locator('nav.subnav a[href="/registry/spot-checks"]').click();
  await expect(page.locator('#spot-checks')).toContainText('公共场所卫生监督抽查');
});
