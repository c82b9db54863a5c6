import { test, expect, Page } from '@playwright/test';

const PASSWORD = 'fazhi-demo-2026';

/** A real inspection code of the demo, read from the back office. */
async function someInspectionCode(page: Page): Promise<string> {
  await page.context().clearCookies();
  await page.goto('/login');
  await page.locator('#username').fill('dh.head');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await expect(page.locator('#home-title')).toBeVisible();
  await page.goto('/inspections/tasks');
  await page.locator('#tasks tbody tr a').first().click();
  const code = (await page.locator('#check-link code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[0-9a-f]{16}$/);
  await page.context().clearCookies();
  return code;
}

test('a visitor reads the public portal without logging in, switches to 繁體 and opens the officers list', async ({ page }) => {
  await page.context().clearCookies();
  await page.goto('/public');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('h1')).toHaveText('行政执法公示');
  await expect(page.locator('#lists a')).toHaveCount(10);
  // Keyboard first: the skip link is the first stop and leads to the content.
  await page.keyboard.press('Tab');
  await expect(page.locator('a.skip')).toBeFocused();

  await page.locator('#script-hant').click();
  await expect(page).toHaveURL(/\/public$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hant');
  await expect(page.locator('h1')).toHaveText('行政執法公示');
  await expect(page.locator('a.brand')).toContainText('衛生健康');
  await expect(page.locator('#script-hans')).toHaveText('简体');

  await page.locator('nav.sections a[href="/public/officers"]').click();
  await expect(page.locator('#t-officers caption')).toContainText('執法人員');
  const rows = page.locator('#t-officers tbody tr');
  expect(await rows.count()).toBeGreaterThan(10);
  await expect(rows.first().locator('td').nth(1)).toHaveText(/^\d{12}$/);
  // No staff numbers (DH-0007) anywhere on the list.
  await expect(page.locator('main')).not.toContainText('DH-0');
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: 'test-results/portal-officers-hant-phone.png', fullPage: true });

  await page.locator('#script-en').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('#t-officers caption')).toContainText("Officers' qualification list");
  await page.locator('#script-hans').click();
  await expect(page.locator('#t-officers caption')).toContainText('执法人员资格清单');
});

test('a visitor checks an inspection code with the portal form, and a wrong code says so in Chinese', async ({ page }) => {
  const code = await someInspectionCode(page);
  await page.goto('/public');
  await page.getByLabel('检查码', { exact: true }).fill(code);
  await page.locator('#check-submit').click();
  await expect(page).toHaveURL(new RegExp(`/check/${code}$`));
  await expect(page.locator('#code')).toHaveText(code);
  await expect(page.locator('#check-officers li').first()).toContainText('执法证');

  await page.goto('/public');
  await page.getByLabel('检查码', { exact: true }).fill('0000000000000000');
  await page.locator('#check-submit').click();
  await expect(page.locator('#error')).toHaveText('检查码不存在');
});

test('a visitor finds a penalty notice with a traditional-character query and opens it', async ({ page }) => {
  await page.context().clearCookies();
  await page.goto('/public');
  await page.locator('#script-hant').click();
  await page.locator('nav.sections a[href="/public/notices"]').click();
  await expect(page.locator('h1')).toHaveText('行政許可和行政處罰決定公示');
  // Typed in traditional script; the notices are stored in simplified.
  await page.getByLabel('關鍵詞').fill('衛生許可證');
  await page.locator('#kind').selectOption('penalty');
  await page.locator('#search-button').click();
  await expect(page).toHaveURL(/q=/);
  const first = page.locator('#results article').first();
  await expect(first).toBeVisible();
  await expect(first.locator('h2')).toContainText('衛生許可證');
  await expect(first.locator('.badge')).toHaveText('行政處罰');
  await first.locator('h2 a').click();
  await expect(page).toHaveURL(/\/public\/notices\/\d+$/);
  await expect(page.locator('#notice dl')).toContainText('罰');
  // Organisations are named with their credit code; no personal identifiers.
  await expect(page.locator('#notice dl')).toContainText(/[0-9A-Z]{18}/);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: 'test-results/portal-notice-hant-phone.png', fullPage: true });
  // A query that matches nothing says so.
  await page.goto('/public/notices?q=' + encodeURIComponent('不存在的詞語甲乙'));
  await expect(page.locator('#no-notices')).toBeVisible();
});
