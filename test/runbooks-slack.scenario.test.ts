/**
 * Runbooks as responders meet them in Slack: an Alertmanager alert opens INC-1, its card is posted; the engine
 * ticks and attaches the runbook whose matchers match, once, and the card gains "Runbook: Checkout errors · Show
 * · Run…"; Show opens the runbook in a modal. `/runbook list`, `/runbook show` (short: a message; long: a modal
 * within Slack's limits) and `/runbook help` answer signed slash commands.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RUNBOOK_ACTIONS, VIEWS } from '../blocks/ids.js';
import { checkLimits } from '../blocks/limits.js';
import { fixture, startTestApp, type TestApp, type TestSlack } from './harness/app.js';

let t: TestApp;
let s: TestSlack;
beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({ id: 'U0BOB', real_name: 'Bob Jones', email: 'bob@example.com', tz: 'Europe/London' });
});
afterAll(async () => {
  await t?.close();
});

function alert(name: string, service: string, instance: string) {
  const body = JSON.parse(fixture('prometheus-rule-firing.json')) as {
    alerts: { labels: Record<string, string>; fingerprint: string }[];
    groupLabels: Record<string, string>;
    commonLabels: Record<string, string>;
    groupKey: string;
  };
  const labels = { alertname: name, service, instance };
  body.alerts = body.alerts.slice(0, 1).map((a) => ({ ...a, labels, fingerprint: `fp-${name}-${instance}` }));
  body.groupLabels = { alertname: name };
  body.commonLabels = labels;
  body.groupKey = `{}:{alertname="${name}", service="${service}", instance="${instance}"}`;
  return JSON.stringify(body);
}

const card = (ref: string) =>
  s.fake.messages.filter((m) => !m.thread_ts && m.text.includes(`${ref} `)).at(-1);
const cardBlocks = (ref: string) => {
  const c = card(ref);
  return (c?.history.at(-1)?.blocks ?? c?.blocks ?? []) as unknown[];
};
const lastView = () =>
  (s.fake.calls.filter((c) => c.method === 'views.open').at(-1)?.args.view ?? {}) as {
    callback_id?: string;
    blocks?: unknown[];
  };
const answers = () => JSON.stringify(s.fake.responseUrlPosts.at(-1)?.body ?? {});

const SHORT = [
  '# Checkout errors',
  '## Symptoms',
  '- 5xx **above 5%** on [the dashboard](https://grafana.example.com/d/x)',
  '## Manual remediation',
  '```sh\nkubectl rollout undo deployment/checkout\n```',
].join('\n\n');

const LONG = [
  '# Big runbook',
  ...Array.from(
    { length: 60 },
    (_, i) =>
      `## Step ${i + 1}\n\n${'Check the thing carefully. '.repeat(40)}\n\n\`\`\`\n${'log line\n'.repeat(40)}\`\`\``,
  ),
].join('\n\n');

describe('runbooks in Slack', () => {
  let runbookId = '';

  it('attaches the matching runbook once and shows it on the card, with Show and Run…', async () => {
    const rb = await t.services.runbooks.create(t.actor, {
      name: 'Checkout errors',
      matchers: 'alertname=HighErrorRate, service=checkout',
      markdown: SHORT,
      actions: [
        {
          name: 'restart',
          title: 'Restart checkout',
          target: {
            kind: 'kubernetes',
            operation: 'rollout_restart',
            namespace: 'default',
            deployment: 'checkout',
          },
        },
      ],
    });
    runbookId = rb.id;
    await t.services.runbooks.create(t.actor, { name: 'Big runbook', markdown: LONG });
    const res = await t.request(
      'POST',
      '/api/v1/webhooks/alertmanager',
      alert('HighErrorRate', 'checkout', 'pod-1'),
    );
    expect(res.status).toBe(200);
    await s.deliverOnce();
    expect(JSON.stringify(cardBlocks('INC-1'))).not.toContain('Runbook');

    await t.tick();
    await t.tick();
    await s.deliverOnce();
    const blocks = cardBlocks('INC-1');
    const text = JSON.stringify(blocks);
    expect(text).toContain(':book: Runbook: *Checkout errors*');
    expect(text).toContain(RUNBOOK_ACTIONS.show);
    expect(text).toContain(RUNBOOK_ACTIONS.runOpen);
    expect(checkLimits('message', { blocks })).toEqual([]);
    const events = await t.sql(`select 1 from timeline_entries where kind = 'runbook_attached'`);
    expect(events).toHaveLength(1);
  });

  it('Show on the card opens the runbook in a modal', async () => {
    const c = card('INC-1');
    await s.driver.blockAction(RUNBOOK_ACTIONS.show, runbookId, {
      user: 'U0BOB',
      channelId: 'C0DEFAULT',
      message: { ts: c?.ts ?? '', channel: c?.channel ?? 'C0DEFAULT' },
    });
    await s.idle();
    const view = lastView();
    expect(view.callback_id).toBe(VIEWS.runbook);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('*above 5%*');
    expect(text).toContain('<https://grafana.example.com/d/x|the dashboard>');
    expect(text).toContain('Restart checkout');
    expect(checkLimits('modal', view)).toEqual([]);
  });

  it('/runbook list, show (a message when short, a modal when long), run and help', async () => {
    await s.driver.slashCommand('/runbook', 'list', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('checkout-errors');
    expect(answers()).toContain('big-runbook');
    await s.driver.slashCommand('/runbook', 'list storage', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('No runbooks of service storage');

    await s.driver.slashCommand('/runbook', 'show checkout-errors', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('• 5xx *above 5%*');
    expect(answers()).toContain('```\\nkubectl rollout undo deployment/checkout\\n```');

    const opened = s.fake.calls.filter((c) => c.method === 'views.open').length;
    await s.driver.slashCommand('/runbook', 'show big-runbook', { user: 'U0BOB' });
    await s.idle();
    expect(s.fake.calls.filter((c) => c.method === 'views.open')).toHaveLength(opened + 1);
    const modal = lastView();
    expect(modal.callback_id).toBe(VIEWS.runbook);
    expect(modal.blocks!.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(modal.blocks)).toContain('Step 60');
    expect(checkLimits('modal', modal)).toEqual([]);

    await s.driver.slashCommand('/runbook', 'show nowhere', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('Runbook nowhere was not found');
    await s.driver.slashCommand('/runbook', 'run checkout-errors INC-1', { user: 'U0BOB' });
    await s.idle();
    // The run pipeline's modal: pick the action, confirm (test/runbook-runs-slack.scenario.test.ts runs one).
    expect(lastView().callback_id).toBe(VIEWS.runbookRun);
    expect(JSON.stringify(lastView().blocks)).toContain('Restart checkout (kubernetes, one approval)');
    await s.driver.slashCommand('/runbook', 'run checkout-errors', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('Name the incident: /runbook run checkout-errors INC-42');
    await s.driver.slashCommand('/runbook', 'help', { user: 'U0BOB' });
    await s.idle();
    expect(answers()).toContain('/runbook show slug');
    expect(s.fake.violations).toEqual([]);
  });
});
