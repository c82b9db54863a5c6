import { test, expect, Page } from '@playwright/test';
import { as } from './staff';

async function track(page: Page, tracking: string) {
  await page.context().clearCookies();
  await page.goto('/public/track');
  await page.locator('#tracking').fill(tracking);
  await page.locator('#track-submit').click();
  await expect(page.locator('#status')).toBeVisible();
}

test('a visitor files a complaint and follows it; staff accept and conclude it; the visitor sees the conclusion and rates it', async ({ page }) => {
  const subject = `游泳馆池水浑浊（浏览器测试 ${Date.now()}）`;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.context().clearCookies();
  await page.goto('/public');
  await page.locator('#complaint-link').click();
  await page.locator('#agency_id').selectOption({ label: '示范市东湖区卫生监督所' });
  await page.locator('#subject').fill(subject);
  await page.locator('#content').fill('池水浑浊有异味，多人皮肤过敏。');
  await page.locator('#concerning').fill('某游泳馆');
  await page.locator('#name').fill('浏览器测试人');
  // A wrong phone number is named next to its field; nothing is filed.
  await page.locator('#phone').fill('123');
  await page.locator('#submit-request').click();
  await expect(page.locator('#form-error')).toHaveAttribute('data-field', 'phone');
  await expect(page.locator('#subject')).toHaveValue(subject);
  await page.locator('#phone').fill('13900001111');
  await page.locator('#submit-request').click();
  const tracking = (await page.locator('#tracking').textContent())?.trim() ?? '';
  expect(tracking).toMatch(/^TS-[0-9a-f]{20}$/);
  await page.locator('#see-status').click();
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'received');
  await expect(page.locator('#status-subject')).toHaveText(subject);
  await expect(page.locator('#status-due')).toBeVisible();
  await expect(page.locator('main')).not.toContainText('13900001111');
  await expect(page.locator('main')).not.toContainText('浏览器测试人');

  // Staff, at a desk: the officer finds it in the list, accepts and concludes it.
  await page.setViewportSize({ width: 1280, height: 900 });
  await as(page, 'dh.officer1');
  await page.locator('nav.menu a[href="/requests"]').click();
  await page.locator('#requests tbody tr', { hasText: subject }).locator('a').click();
  await expect(page.locator('#request')).toHaveAttribute('data-state', 'received');
  await page.locator('#do-accept').click();
  await expect(page.locator('#request')).toHaveAttribute('data-state', 'accepted');
  await page.locator('#conclude-outcome').selectOption('substantiated');
  await page.locator('#conclude-text').fill('经现场检查属实，已责令改正并立案调查。');
  await page.locator('#do-conclude').click();
  await expect(page.locator('#request')).toHaveAttribute('data-state', 'concluded');
  await expect(page.locator('#conclusion')).toContainText('已责令改正');

  // The visitor sees the conclusion and rates it, once.
  await track(page, tracking);
  await expect(page.locator('#status')).toHaveAttribute('data-state', 'concluded');
  await expect(page.locator('#status-result')).toHaveText('属实');
  await expect(page.locator('#status-reply')).toContainText('已责令改正');
  await page.locator('#level-satisfied').check();
  await page.locator('#comment').fill('处理及时');
  await page.locator('#send-feedback').click();
  await expect(page.locator('#thanks')).toBeVisible();
  await expect(page.locator('#feedback-given')).toContainText('满意');
  await expect(page.locator('#feedback-form')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/request-status.png', fullPage: true });
});
