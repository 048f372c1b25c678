/** The meter's text, colour level and tooltip, and the usage view's HTML (no VS Code needed: pure functions). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { meterView } from '../../client/src/budget/meterView';
import { usageHtml } from '../../client/src/budget/usageHtml';
import type { BudgetStatus, UsageHistory } from '../../server/src/protocol';

function status(spentUsd: number, extra: Partial<BudgetStatus> = {}): BudgetStatus {
  return { day: '2026-11-28', spentUsd, reservedUsd: 0, budgetUsd: 10, remainingUsd: 10 - spentUsd, ...extra };
}

test('the meter reads spend / budget and colours from 80 % (warning) and 100 % (error)', () => {
  assert.equal(meterView(status(1.234)).text, '$(credit-card) $1.23 / $10.00');
  assert.equal(meterView(status(7.99)).level, 'normal');
  assert.equal(meterView(status(8)).level, 'warning');
  assert.equal(meterView(status(9.99)).level, 'warning');
  assert.equal(meterView(status(10)).level, 'error');
  assert.equal(meterView(status(0, { budgetUsd: 0, remainingUsd: 0 })).level, 'error');
});

test('a held reservation shows as pending, in the text and the accessible label', () => {
  const view = meterView(status(1, { reservedUsd: 0.25, pendingCalls: 1 }));
  assert.equal(view.text, '$(sync~spin) $1.00 / $10.00');
  assert.match(view.label, /\$1\.00 of \$10\.00 spent today, \$0\.25 reserved by calls in progress/);
});

test('the tooltip lists spent, reserved, remaining, top models and command links', () => {
  const { tooltip } = meterView(
    status(3, {
      reservedUsd: 0.5,
      remainingUsd: 6.5,
      pendingCalls: 2,
      raisedUsd: 0,
      topModels: [
        { model: 'claude-sonnet-5-5', spentUsd: 2, calls: 3 },
        { model: 'gpt-5.5', spentUsd: 1, calls: 1 },
      ],
    }),
  );
  assert.match(tooltip, /\| Spent \| \$3\.00 \|/);
  assert.match(tooltip, /\| Reserved \(2 calls in progress\) \| \$0\.50 \|/);
  assert.match(tooltip, /\| Remaining \| \$6\.50 \|/);
  assert.match(tooltip, /`claude-sonnet-5-5` \$2\.00 \(3 calls\) · `gpt-5\.5` \$1\.00 \(1 call\)/);
  for (const command of ['tollgate.showUsage', 'tollgate.raiseBudget', 'tollgate.openBudgetSettings', 'tollgate.exportUsage']) {
    assert.ok(tooltip.includes(`(command:${command})`), command);
  }
});

test('the usage view has no script, escapes model names, and draws one bar segment per model and day', () => {
  const history: UsageHistory = {
    status: status(0.5),
    days: [
      { day: '2026-11-28', spentUsd: 0.5, models: [{ model: '<img src=x onerror=alert(1)>', spentUsd: 0.5, calls: 2 }] },
      {
        day: '2026-11-27',
        spentUsd: 1,
        models: [
          { model: 'gpt-5.5', spentUsd: 0.75, calls: 1 },
          { model: 'claude-sonnet-5-5', spentUsd: 0.25, calls: 1 },
        ],
      },
    ],
    today: [
      {
        time: '2026-11-28T10:00:00.000Z',
        provider: 'openai',
        model: 'gpt-5.5',
        costUsd: 0.5,
        usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 3 },
        estimated: false,
        outcome: 'ok',
      },
    ],
  };
  const html = usageHtml(history, 'NONCE');
  assert.match(html, /content="default-src 'none'; style-src 'nonce-NONCE'"/);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /style="/, 'inline style attributes are blocked by the CSP');
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
  assert.equal(html.match(/<rect /g)?.length, 3);
  assert.match(html, /10 in · 5 out · 3 cache read/);
  assert.match(html, /href="command:tollgate\.exportUsage"/);
});
