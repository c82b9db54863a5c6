import { test, expect } from '@playwright/test';
import { as } from './staff';

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

test('an officer on a phone records a correction order and the entity checks the inspection code and rates the visit', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await as(page, 'dh.officer1');
  await page.goto('/inspections/mine');
  const cards = page.locator('#open-tasks li.task-card');
  await expect(cards.first()).toBeVisible();
  const due = new Date(Date.now() + 14 * 864e5).toISOString().slice(0, 10);
  // A task drawn months ago may name a colleague whose credential has lapsed
  // since (its annual review is overdue): the two-officer rule refuses that
  // one first. Take the first task both of whose officers are still valid.
  const count = await cards.count();
  let found = false;
  for (let i = 0; i < count && !found; i++) {
    await page.goto('/inspections/mine');
    await cards.nth(i).locator('a').click();
    await expect(page.locator('#result-form')).toBeVisible();
    await page.locator('#result-rectify').check();
    await page.locator('#findings-input').fill('公共用品用具未按规定清洗消毒（浏览器测试）');
    // Without the opinion the rule refuses and says why.
    await page.locator('#rectify_by').fill(due);
    await page.locator('#save-result').click();
    await expect(page.locator('#task-error')).toBeVisible();
    found = ((await page.locator('#task-error').textContent()) ?? '').includes('卫生监督意见书');
  }
  expect(found).toBe(true);
  await expect(page.locator('#task-error')).toContainText('卫生监督意见书');
  await page.locator('#result-rectify').check();
  await page.locator('#findings-input').fill('公共用品用具未按规定清洗消毒（浏览器测试）');
  await page.locator('#opinion-input').fill('责令于整改期限前改正，并建立消毒记录。');
  await page.locator('#rectify_by').fill(due);
  await page.locator('#save-result').click();
  await expect(page.locator('#task-result')).toContainText('责令整改');
  await page.screenshot({ path: 'test-results/task-phone.png', fullPage: true });
  const check = await page.locator('#check-link').getAttribute('href');
  // The entity, without an account, checks the code and rates the visit.
  await page.context().clearCookies();
  await page.goto(check!);
  await expect(page.locator('#check-officers li')).toHaveCount(2);
  await expect(page.locator('#result')).toContainText('责令整改');
  await page.locator('#stars-4').check();
  await page.locator('#comment').fill('检查人员出示了证件，讲解清楚。');
  await page.locator('#send-rating').click();
  await expect(page.locator('#thanks')).toBeVisible();
});
