import { test, expect, Page } from '@playwright/test';

const PASSWORD = 'fazhi-demo-2026';

async function as(page: Page, username: string) {
  await page.context().clearCookies();
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await expect(page.locator('#home-title')).toBeVisible();
}

test('a head plans a random inspection, freezes the pools, draws with a lottery value and anyone can re-run it', async ({ page }) => {
  await as(page, 'dh.head');
  await page.locator('nav.menu a[href="/inspections"]').click();
  await expect(page.locator('#plans tbody tr').first()).toContainText('双随机');
  await page.locator('#plan-year').fill('2026');
  await page.locator('#plan-level').selectOption('county');
  await page.locator('#plan-name').fill('2026年学校卫生专项抽查（浏览器测试）');
  await page.locator('#plan-item').selectOption('SC-GG-01');
  await page.locator('#plan-quota').fill('8');
  await page.locator('#plan-due').fill('2026-12-31');
  await page.locator('#plan-submit').click();
  await expect(page.locator('#plan-title')).toContainText('浏览器测试');
  await page.locator('#commit').click();
  const draw = page.locator('article.draw[data-state="committed"]');
  await expect(draw).toHaveCount(1);
  await draw.locator('input[name="randomness"]').fill('双色球 2026136期 01 07 13 22 26 30 + 12');
  await draw.locator('input[name="source"]').fill('中国福利彩票发行管理中心');
  await draw.locator('button[type="submit"]').click();
  const drawn = page.locator('article.draw[data-state="drawn"]');
  await expect(drawn.locator('table.drawn tbody tr')).toHaveCount(8);
  await page.screenshot({ path: 'test-results/draw.png', fullPage: true });
  await drawn.locator('a[id^="public-"]').click();
  await page.context().clearCookies();
  await page.reload();
  await expect(page.locator('#verdict')).toHaveAttribute('data-ok', 'true');
});
