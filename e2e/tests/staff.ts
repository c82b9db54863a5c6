import { expect, Page } from '@playwright/test';

/** The demo accounts' password (`fazhi demo` prints it with the logins). */
export const PASSWORD = 'fazhi-demo-2026';

/** Sign in as a demo account, starting from a fresh session. */
export async function as(page: Page, username: string) {
  await page.context().clearCookies();
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await expect(page.locator('#home-title')).toBeVisible();
}
