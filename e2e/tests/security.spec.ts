import { test, expect, Page } from '@playwright/test';

const PASSWORD = 'fazhi-demo-2026';

/** Console messages of Content-Security-Policy violations on this page. */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) seen.push(msg.text());
  });
  return seen;
}

test('the API explorer works under the Content-Security-Policy', async ({ page }) => {
  const violations = cspViolations(page);
  const response = await page.goto('/api/docs/');
  expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
  await expect(page.locator('.swagger-ui .info .title')).toBeVisible();
  await expect(page.locator('.swagger-ui .opblock').first()).toBeVisible();
  expect(violations).toEqual([]);
});

test('staff and public pages break no rule of the Content-Security-Policy', async ({ page }) => {
  const violations = cspViolations(page);
  await page.goto('/login');
  await page.locator('#username').fill('dh.head');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await expect(page.locator('#home-title')).toBeVisible();
  for (const path of ['/dashboard', '/inspections/stats', '/cases', '/report', '/public', '/public/notices']) {
    await page.goto(path);
  }
  expect(violations).toEqual([]);
});

test('the language switch does not follow a next parameter to another origin', async ({ page, baseURL }) => {
  await page.goto('/lang/en?next=/%09/127.0.0.1:18999/x');
  expect(new URL(page.url()).origin).toBe(new URL(baseURL ?? 'http://127.0.0.1').origin);
});
