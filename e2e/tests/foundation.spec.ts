import { test, expect, Page } from '@playwright/test';

const PASSWORD = 'fazhi-demo-2026';

async function login(page: Page, username: string) {
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('#login-submit').click();
  await expect(page.locator('#home-title')).toBeVisible();
}

test('an officer logs in and sees the home page of its own agency with real counts', async ({ page }) => {
  await login(page, 'dh.officer1');
  await expect(page.locator('#home-title')).toHaveText('机构首页');
  await expect(page.locator('#scope-name')).toHaveText('示范市东湖区卫生监督所');
  await expect(page.locator('[data-key="officers"] .value')).toHaveText('2');
  await expect(page.locator('.chart svg rect')).toHaveCount(14);
  await page.screenshot({ path: 'test-results/home-zh.png', fullPage: true });
});

test('the language switch turns the interface to English and back', async ({ page }) => {
  await login(page, 'dh.head');
  await page.locator('#lang-switch').click();
  await expect(page.locator('#home-title')).toHaveText('Agency home');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.screenshot({ path: 'test-results/home-en.png', fullPage: true });
  await page.locator('#lang-switch').click();
  await expect(page.locator('#home-title')).toHaveText('机构首页');
});

test('a wrong password shows a bilingual-capable error and stays on the login page', async ({ page }) => {
  await page.goto('/login');
  await page.locator('#username').fill('dh.officer2');
  await page.locator('#password').fill('wrong-password');
  await page.locator('#login-submit').click();
  await expect(page.locator('#error')).toContainText('用户名或密码错误');
});

const ROLES: Array<[string, string, boolean]> = [
  // username, role name shown, sees 西山 (another district)?
  ['admin', '系统管理员', true],
  ['city.head', '机关负责人', true],
  ['dh.admin', '系统管理员', false],
  ['dh.head', '机关负责人', false],
  ['dh.section', '科室负责人', false],
  ['dh.officer1', '执法人员', false],
  ['dh.reviewer', '法制审核员', false],
  ['dh.adviser', '法律顾问', false],
  ['dh.readonly', '只读用户', false],
  ['xs.officer1', '执法人员', true],
];

for (const [username, roleName, seesXishan] of ROLES) {
  test(`demo account ${username} logs in and sees only its scope`, async ({ page }) => {
    await login(page, username);
    await expect(page.locator('#who')).toContainText(roleName);
    await page.goto('/admin/agencies');
    const table = page.locator('#agencies');
    await expect(table).toBeVisible();
    if (seesXishan) {
      await expect(table).toContainText('西山区');
    } else {
      await expect(table).not.toContainText('西山区');
    }
    if (username.startsWith('xs.')) {
      await expect(table).not.toContainText('东湖区');
    }
  });
}

test('a system admin creates an account through the form and finds it in the list', async ({ page }) => {
  await login(page, 'dh.admin');
  await page.goto('/admin/users');
  const form = page.locator('form[action="/admin/users"]');
  const name = `e2e.${Date.now() % 100000}`;
  await form.locator('input[name="username"]').fill(name);
  await form.locator('input[name="display_name"]').fill('浏览器测试');
  await form.locator('input[name="password"]').fill('browser-test-pw');
  await form.locator('select[name="role"]').selectOption('read_only');
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('#users')).toContainText(name);
  // Too short a password: the error names the rule and nothing is created.
  await form.locator('input[name="username"]').fill(name + 'x');
  await form.locator('input[name="display_name"]').fill('x');
  await form.locator('input[name="password"]').evaluate((el: HTMLInputElement) => el.removeAttribute('minlength'));
  await form.locator('input[name="password"]').fill('short');
  await form.locator('button[type="submit"]').click();
  await expect(page.locator('#error')).toContainText('密码长度');
  await expect(page.locator('#users')).not.toContainText(name + 'x');
});

test('on a phone-sized screen the menu opens from its button', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await login(page, 'dh.section');
  const menu = page.locator('nav.menu');
  await expect(menu).toBeHidden();
  await page.locator('label.menu-button').click();
  await expect(menu).toBeVisible();
  await page.screenshot({ path: 'test-results/home-phone.png', fullPage: true });
  await context.close();
});

test('an officer searches the entity registry and pages through it', async ({ page }) => {
  await login(page, 'dh.officer1');
  await page.locator('nav.menu a[href="/registry/entities"]').click();
  await expect(page.locator('#entities tbody tr')).toHaveCount(50);
  await page.locator('#q').fill('诊所');
  await page.locator('form.filters button[type="submit"]').click();
  await expect(page.locator('#entities tbody tr').first()).toContainText('诊所');
  await page.locator('#next').click();
  await expect(page.locator('.pager span')).toContainText('2 /');
  await page.goto('/registry/officers');
  await expect(page.locator('[data-key="certified_rate"] .value')).toContainText('%');
  await expect(page.locator('#officers')).toContainText('即将到期');
  await page.screenshot({ path: 'test-results/officers.png', fullPage: false });
});

test('a section head imports a CSV through the form and sees the row errors of a bad file', async ({ page }) => {
  await login(page, 'dh.section');
  await page.goto('/registry/entities');
  await page.locator('#import-file').setInputFiles({
    name: 'bad.csv', mimeType: 'text/csv',
    buffer: Buffer.from('统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n91350100M000100Y44,甲诊所,张三,东湖路1号,990102,医疗卫生\n'),
  });
  await page.locator('#import-submit').click();
  await expect(page.locator('#import-errors')).toContainText('校验位');
  await page.locator('#import-file').setInputFiles({
    name: 'good.csv', mimeType: 'text/csv',
    buffer: Buffer.from('统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业\n91350100M000100Y43,示范市东湖区浏览器诊所,张三,东湖路1号,990102,医疗卫生\n'),
  });
  await page.locator('#import-submit').click();
  await expect(page.locator('#import-outcome')).toContainText('新增 1');
});

test('a legal reviewer reads the rules of law and computes a deadline across Spring Festival', async ({ page }) => {
  await login(page, 'dh.reviewer');
  await page.locator('nav.menu a[href="/law"]').click();
  await expect(page.locator('#rule-ap_service')).toContainText('第六十一条');
  await page.goto('/law/deadline');
  await page.locator('#rule').selectOption('ap_service');
  await page.locator('#from').fill('2026-02-12');
  await page.locator('#compute').click();
  await expect(page.locator('#due')).toHaveText('2026-02-28');
  await expect(page.locator('#explanation')).toContainText('春节');
  await page.screenshot({ path: 'test-results/deadline.png', fullPage: true });
});

test('a visitor without an account checks that an event is in the signed log', async ({ page }) => {
  await page.goto('/transparency');
  await expect(page.locator('#verifier-key')).toContainText('+');
  await page.locator('#event').fill('1');
  await page.locator('#check').click();
  await expect(page.locator('#verdict')).toContainText('✓');
  await page.screenshot({ path: 'test-results/transparency.png', fullPage: true });
});
