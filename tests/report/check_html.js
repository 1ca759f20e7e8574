// Renders a certification report (report.html) in headless Chromium, as a reader would open it,
// and checks what they see: the verdict at each level and the score per area are visible; for a
// report with failures, each failure shows its level, expected versus received, and the answer;
// the page fetches nothing from the network and needs no JavaScript. Optionally saves a
// full-page screenshot.
//
// Usage: node check_html.js REPORT.html EXPECT(passed|failed) [SCREENSHOT.png]
const path = require('path');
const { chromium } = require('playwright-core');

async function main() {
  const [file, expect, shot] = process.argv.slice(2);
  if (!file || !['passed', 'failed'].includes(expect)) {
    throw new Error('usage: check_html.js REPORT.html passed|failed [SCREENSHOT.png]');
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    // No JavaScript: the report must read without it.
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) problems.push(`the page fetched ${r.url()}`);
    });
    await page.goto('file://' + path.resolve(file));
    for (const level of ['documented', 'observed', 'chosen']) {
      const v = page.locator(`#verdict-${level} .value`);
      if (!(await v.isVisible())) problems.push(`the ${level} verdict is not visible`);
      const text = (await v.textContent()) || '';
      if (!['passed', 'failed', 'not certified'].includes(text)) problems.push(`the ${level} verdict reads ${JSON.stringify(text)}`);
    }
    const observed = await page.locator('#verdict-observed .value').textContent();
    if (observed !== expect) problems.push(`the observed verdict is ${observed}, expected ${expect}`);
    const rows = page.locator('#score table tr');
    if ((await rows.count()) < 2 || !(await rows.nth(1).isVisible())) problems.push('the score by area is not visible');
    const score = (await rows.nth(1).textContent()) || '';
    if (!/\d+\/\d+/.test(score)) problems.push(`the score reads ${JSON.stringify(score)}`);
    const failures = page.locator('#failures .failure');
    const n = await failures.count();
    if (expect === 'failed') {
      if (n === 0) problems.push('a failing report shows no failure');
      const first = failures.first();
      if (!(await first.locator('.tag').isVisible())) problems.push('a failure does not show its level');
      const diff = (await first.locator('table').textContent()) || '';
      if (!diff.includes('expected') || !diff.includes('got')) problems.push('a failure does not show expected versus received');
      if (!(await first.locator('pre').first().isVisible())) problems.push('a failure does not show the answer on the wire');
    } else if (n !== 0) {
      problems.push(`a passing report shows ${n} failures`);
    }
    if (shot) {
      await page.screenshot({ path: shot, fullPage: false });
      if (n > 0) await failures.first().screenshot({ path: shot.replace(/\.png$/, '-failure.png') });
    }
    console.log(`report.html (${expect}): verdicts and score visible, ${n} failures shown${shot ? `, screenshot ${shot}` : ''}`);
  } finally {
    await browser.close();
  }
  if (problems.length) {
    for (const p of problems) console.log(`✘ ${p}`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
