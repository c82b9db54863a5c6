import { test, expect, Page } from '@playwright/test';
import { as } from './staff';

async function step(page: Page, command: string) {
  const form = page.locator(`#step-${command}`);
  // `open` is a boolean attribute: present (even empty) means open.
  if ((await form.getAttribute('open')) === null) {
    await form.locator('summary').click();
  }
  return form;
}

test('an ordinary-procedure case goes from intake to archive through every role', async ({ page }) => {
  test.setTimeout(120_000);
  await as(page, 'dh.officer1');
  await page.goto('/cases');
  await page.locator('#new-case').click();
  await page.locator('#source').selectOption('complaint');
  await page.locator('#party_name').fill('示范市东湖区浏览器测试宾馆');
  await page.locator('#party_id').fill('91350100M000100Y43');
  await page.locator('#domain').selectOption('public_places');
  await page.locator('#power_code').selectOption('CF-003');
  await page.locator('#summary').fill('群众举报无证营业');
  await page.locator('#act_date').fill('2026-11-10');
  await page.locator('#case-submit').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'intake');
  const caseUrl = page.url();

  await as(page, 'dh.section');
  await page.goto(caseUrl);
  let f = await step(page, 'file');
  for (const box of await f.locator('input[name="handlers"]').all()) { await box.check(); }
  await f.locator('#do-file').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'investigation');

  await as(page, 'dh.officer1');
  await page.goto(caseUrl);
  f = await step(page, 'propose_outcome');
  await f.locator('select[name="outcome"]').selectOption('penalty');
  await f.locator('textarea[name="facts"]').fill('经查，当事人未取得公共场所卫生许可证擅自营业');
  await f.locator('#do-propose_outcome').click();
  await expect(page.locator('#case-error')).toContainText('第四十六条');
  f = await step(page, 'add_evidence');
  await f.locator('select[name="evidence_kind"]').selectOption('record');
  await f.locator('input[name="title"]').fill('现场笔录');
  await f.locator('#do-add_evidence').click();
  await expect(page.locator('#evidence')).toContainText('现场笔录');
  f = await step(page, 'propose_outcome');
  await f.locator('select[name="outcome"]').selectOption('penalty');
  await f.locator('textarea[name="facts"]').fill('经查，当事人未取得公共场所卫生许可证擅自营业');
  await f.locator('input[name="legal_basis"]').fill('《公共场所卫生管理条例实施细则》第三十五条');
  await f.locator('select[name="circumstance"]').selectOption('ordinary');
  await f.locator('input[name="fine"]').fill('1000');
  await f.locator('input[name="other_penalties"]').fill('警告');
  await f.locator('#do-propose_outcome').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'proposed');
  await (await step(page, 'submit_for_review')).locator('#do-submit_for_review').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'review');

  await as(page, 'dh.reviewer');
  await page.goto('/cases');
  await expect(page.locator('#tab-review')).toHaveClass(/current/);
  await page.goto(caseUrl);
  f = await step(page, 'record_review');
  for (const box of await f.locator('input[name="checklist"]').all()) { await box.check(); }
  await f.locator('select[name="passed"]').selectOption('yes');
  await f.locator('textarea[name="opinion"]').fill('事实清楚，证据确凿，同意');
  await f.locator('#do-record_review').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'proposed');

  await as(page, 'dh.officer1');
  await page.goto(caseUrl);
  await (await step(page, 'send_notice')).locator('#do-send_notice').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'notice');
  await (await step(page, 'waive_rights')).locator('#do-waive_rights').click();

  await as(page, 'dh.head');
  await page.goto(caseUrl);
  f = await step(page, 'decide');
  await f.locator('input[name="fine"]').fill('1500');
  await f.locator('#do-decide').click();
  await expect(page.locator('#case-error')).toContainText('第四十五条');
  f = await step(page, 'decide');
  await f.locator('input[name="fine"]').fill('1000');
  await f.locator('#do-decide').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'decided');
  await expect(page.locator('#case-number')).toContainText('东卫罚〔');

  await as(page, 'dh.officer1');
  await page.goto(caseUrl);
  f = await step(page, 'serve');
  await f.locator('input[name="receipt"]').fill('法定代表人签收');
  await f.locator('#do-serve').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'execution');
  f = await step(page, 'record_payment');
  await f.locator('input[name="amount"]').fill('1000');
  await f.locator('#do-record_payment').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'closing');

  await as(page, 'dh.section');
  await page.goto(caseUrl);
  f = await step(page, 'close');
  await f.locator('textarea[name="reason"]').fill('罚款已缴清，结案');
  await f.locator('#do-close').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'closed');
  await (await step(page, 'archive')).locator('#do-archive').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'archived');
  await expect(page.locator('#next-steps')).toHaveCount(0);
  await expect(page.locator('#timeline li')).toHaveCount(13);
  await page.screenshot({ path: 'test-results/case-archived.png', fullPage: true });
  await page.locator('#doc-decision').click();
  await expect(page.locator('#doc-title')).toHaveText('行政处罚决定书');
  await expect(page.locator('body')).toContainText('壹仟元整');
  await page.screenshot({ path: 'test-results/case-decision.png', fullPage: true });
});

test('an officer records an on-the-spot penalty, files it and a head closes it', async ({ page }) => {
  await as(page, 'dh.officer1');
  await page.goto('/cases/summary/new');
  await page.locator('#party_name').fill('示范市东湖区浏览器测试美发店');
  await page.locator('#party_id').fill('91350100M000100Y43');
  await page.locator('#domain').selectOption('public_places');
  await page.locator('#power_code').selectOption('CF-004');
  await page.locator('#summary').fill('一名从业人员未取得有效健康合格证明');
  await page.locator('#legal_basis').fill('《公共场所卫生管理条例实施细则》第三十八条');
  await page.locator('#fine').fill('3500');
  await page.locator('#case-submit').click();
  await expect(page.locator('#form-error')).toContainText('第五十一条');
  await page.locator('#fine').fill('100');
  await page.locator('#collected_on_spot').check();
  await page.locator('#case-submit').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'summary');
  await expect(page.locator('#case-number')).toContainText('东卫当罚〔');
  await (await step(page, 'file_summary')).locator('#do-file_summary').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'closing');
  const caseUrl = page.url();
  await as(page, 'dh.head');
  await page.goto(caseUrl);
  const f = await step(page, 'close');
  await f.locator('textarea[name="reason"]').fill('罚款已当场收缴，已备案，结案');
  await f.locator('#do-close').click();
  await expect(page.locator('#case-stage')).toHaveAttribute('data-stage', 'closed');
  await page.locator('#doc-summary_decision').click();
  await expect(page.locator('#doc-title')).toHaveText('当场行政处罚决定书');
});

test('the workbench shows overdue deadlines in red on a phone-sized screen', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: process.env.FAZHI_E2E_URL });
  const page = await context.newPage();
  await as(page, 'dh.head');
  await page.goto('/cases?queue=all');
  await expect(page.locator('#cases tbody tr')).not.toHaveCount(0);
  await expect(page.locator('#cases td.due-red').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/workbench-phone.png', fullPage: true });
  await context.close();
});
