// Renders a certification report (report.html) in headless Chromium, as a reader would open it,
// and checks what they see against results.json beside it: the verdict at each level and the
// score per area are visible; every failure results.json holds is shown with its level, each of
// its findings (expected versus received) and each answer on the wire, and no other; every waived
// scenario is listed with its waivers; every scenario not run is listed under its cause, with the
// cause's count. The page fetches nothing from the network and needs no JavaScript. Optionally
// saves a full-page screenshot.
//
// Usage: node check_html.js REPORT.html EXPECT(passed|failed) [SCREENSHOT.png]
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

// The summary's grouping of setup causes: `[N]` indices and UUIDs masked (as report.md's).
function causeGroup(reason) {
  return reason
    .replace(/\[\d+\]/g, '[]')
    .replace(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g, '<uuid>');
}

async function main() {
  const [file, expect, shot] = process.argv.slice(2);
  if (!file || !['passed', 'failed'].includes(expect)) {
    throw new Error('usage: check_html.js REPORT.html passed|failed [SCREENSHOT.png]');
  }
  const results = JSON.parse(fs.readFileSync(path.join(path.dirname(path.resolve(file)), 'results.json'), 'utf8'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const label = (s) => `${s.feature} / ${s.name}`;
  let seen = { failures: 0, waived: 0, notRun: 0, causes: 0 };
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
      if (text !== results.run.verdict[level]) problems.push(`the ${level} verdict reads ${text}, results.json ${results.run.verdict[level]}`);
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

    // Every failure of results.json (waived ones aside), each once, with its findings and answers.
    const shown = results.scenarios.filter((s) => s.failed_at && !(s.waived_by || []).length);
    const heads = await page.locator('#failures .failure h3').allTextContents();
    if (heads.length !== shown.length) problems.push(`report.html shows ${heads.length} failures, results.json has ${shown.length}`);
    for (const s of shown) {
      const i = heads.findIndex((h) => h.startsWith(`${s.failed_at}${label(s)}`)
        && (h === `${s.failed_at}${label(s)}` || h.startsWith(`${s.failed_at}${label(s)} (not counted`)));
      if (i < 0) {
        problems.push(`report.html: no failure shown for ${label(s)} [${s.failed_at}]`);
        continue;
      }
      seen.failures += 1;
      const block = failures.nth(i);
      const tag = (await block.locator('h3 .tag').textContent()) || '';
      if (tag !== s.failed_at) problems.push(`report.html: ${label(s)} is tagged ${tag}, results.json says ${s.failed_at}`);
      const findingRows = (await block.locator('table tr').allTextContents()).slice(1);
      for (const f of s.findings) {
        const problem = f.problem.replace(/\n/g, '');
        if (!findingRows.some((r) => r.startsWith(f.level) && r.includes(f.expectation) && r.includes(problem))) {
          problems.push(`report.html: ${label(s)} lacks its finding [${f.level}] ${f.expectation}: ${problem.slice(0, 80)}`);
        }
      }
      const answers = await block.locator('pre').allTextContents();
      for (const x of s.exchanges.filter((x) => !x.setup)) {
        if (!answers.includes(x.body)) problems.push(`report.html: ${label(s)} lacks the answer ${JSON.stringify(x.body.slice(0, 80))}`);
      }
    }

    // Every waived scenario, with the waivers that excuse it.
    const waived = results.scenarios.filter((s) => (s.waived_by || []).length);
    const waiverLines = await page.locator('#waivers li').allTextContents();
    for (const s of waived) {
      const line = waiverLines.find((l) => l.startsWith(`waived: ${label(s)} [`));
      const by = s.waived_by.map((i) => `waiver ${i + 1} (`);
      if (!line || !by.every((b) => line.includes(b))) problems.push(`report.html: the waived ${label(s)} is not listed with ${by}`);
      else seen.waived += 1;
    }

    // Every scenario not run, under its cause, with the cause's count: those of the gated
    // edition under "Not run", those it does not judge (they ran) under "Of other editions".
    const counts = results.run.counts;
    for (const [id, title, ofOther, total] of [
      ['not-run', 'Not run', false, counts.not_run - (counts.other_editions || 0)],
      ['other-editions', 'Of other editions', true, counts.other_editions || 0],
    ]) {
      const groups = new Map();
      for (const s of results.scenarios.filter((s) => s.outcome === 'not-run' && (s.cause === 'other-edition') === ofOther)) {
        let reason = s.reason || '(no reason)';
        if (['setup', 'setup-no-answer'].includes(s.cause)) reason = causeGroup(reason);
        if (!groups.has(reason)) groups.set(reason, []);
        groups.get(reason).push(label(s));
      }
      if (total === 0 && ofOther) continue;
      const heading = (await page.locator(`#${id} h2`).textContent()) || '';
      if (heading !== `${title} (${total})`) problems.push(`report.html: "${heading}", results.json counts ${total} ${title.toLowerCase()}`);
      const causes = page.locator(`#${id} details`);
      const summaries = await causes.locator('summary').allTextContents();
      if (summaries.length !== groups.size) problems.push(`report.html lists ${summaries.length} causes under ${title}, results.json ${groups.size}`);
      for (const [reason, names] of groups) {
        const i = summaries.indexOf(`${reason} (${names.length})`);
        if (i < 0) {
          problems.push(`report.html: ${title}: the cause ${JSON.stringify(reason)} is not listed with its count ${names.length}`);
          continue;
        }
        seen.causes += 1;
        const listed = await causes.nth(i).locator('li').allTextContents();
        if (JSON.stringify([...listed].sort()) !== JSON.stringify([...names].sort())) {
          problems.push(`report.html: under ${JSON.stringify(reason)} it lists ${listed.length} scenarios, results.json ${names.length}`);
        } else {
          seen.notRun += names.length;
        }
      }
    }

    // The depth map: a cell per action of results.json's run.actions, grouped by directory, in
    // the state its counts give it; the failing ones listed and linked to their cells.
    const actions = results.run.actions || [];
    if (actions.length) {
      const cells = page.locator('#depth-map .cell');
      const count = await cells.count();
      if (count !== actions.length) problems.push(`report.html: the depth map draws ${count} actions, results.json has ${actions.length}`);
      if (!(await cells.first().isVisible())) problems.push('report.html: the depth map is not visible');
      const drawn = await cells.evaluateAll((es) => es.map((e) => [e.dataset.action, e.dataset.state, e.dataset.depth]));
      const state = (a) => {
        const failed = a.failed_documented + a.failed_observed + a.failed_chosen;
        return failed > 0 ? 'failed' : a.not_run > 0 ? 'not-run' : a.passed > 0 ? 'passed' : 'none';
      };
      for (const a of actions) {
        const d = drawn.find((x) => x[0] === a.action);
        if (!d) problems.push(`report.html: the depth map lacks ${a.action}`);
        else if (d[1] !== state(a) || d[2] !== a.depth) problems.push(`report.html: ${a.action} is drawn ${d[1]}/${d[2]}, results.json says ${state(a)}/${a.depth}`);
      }
      const failing = actions.filter((a) => state(a) === 'failed').map((a) => a.action).sort();
      const linked = (await page.locator('#depth-map .failing-actions a').allTextContents()).sort();
      if (JSON.stringify(failing) !== JSON.stringify(linked)) problems.push(`report.html: the depth map lists ${linked.length} failing actions, results.json ${failing.length}`);
      const directories = new Set(actions.map((a) => a.directory));
      const groups = await page.locator('#depth-map h3').count();
      if (groups !== directories.size) problems.push(`report.html: the depth map has ${groups} directories, results.json ${directories.size}`);
      // The rows not modelled: a part per action that has any, with their number and each code.
      const parts = await page.locator('#not-modelled .not-modelled').evaluateAll((es) => es.map((e) => [e.dataset.action, Number(e.dataset.rows), [...e.querySelectorAll('tr td:nth-child(2)')].map((td) => td.textContent)]));
      const withRows = actions.filter((a) => (a.not_modelled || []).length);
      if (parts.length !== withRows.length) problems.push(`report.html: ${parts.length} actions with rows not modelled, results.json ${withRows.length}`);
      for (const a of withRows) {
        const p = parts.find((x) => x[0] === a.action);
        const codes = a.not_modelled.map((n) => n.code);
        if (!p) problems.push(`report.html: no rows not modelled for ${a.action}`);
        else if (p[1] !== codes.length || JSON.stringify(p[2]) !== JSON.stringify(codes)) problems.push(`report.html: ${a.action} shows ${p[1]} rows not modelled (${p[2].join(', ')}), results.json ${codes.length} (${codes.join(', ')})`);
        if (a.not_modelled.some((n) => !(n.reason || '').trim())) problems.push(`results.json: ${a.action} has a row not modelled without a reason`);
      }
      seen.notModelled = withRows.reduce((n, a) => n + a.not_modelled.length, 0);
      seen.actions = actions.length;
      seen.failingActions = failing.length;
    }

    if (shot) {
      await page.screenshot({ path: shot, fullPage: false });
      if (n > 0) await failures.first().screenshot({ path: shot.replace(/\.png$/, '-failure.png') });
    }
    console.log(`report.html (${expect}): verdicts and score visible; as results.json says: ${seen.failures} failures with their findings and answers, ${seen.waived} waived, ${seen.notRun} not run or of other editions under ${seen.causes} causes; depth map of ${seen.actions || 0} actions, ${seen.failingActions || 0} failing, ${seen.notModelled || 0} rows not modelled${shot ? `, screenshot ${shot}` : ''}`);
  } finally {
    await browser.close();
  }
  if (problems.length) {
    for (const p of problems) console.log(`✘ ${p}`);
    process.exit(1);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
