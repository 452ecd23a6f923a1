import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RUNBOOK_ACTIONS, RUNBOOK_RUN_ACTIONS, RUNBOOK_RUN_INPUTS, VIEWS } from '../blocks/ids.js';
import { checkLimits } from '../blocks/limits.js';
import type { Actor } from '../src/shared/actor.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { addPolicy, addUser, declare, setServicePolicy } from './harness/escalation-fixtures.js';
import { type FakeHttpTarget, startFakeHttpTarget } from './harness/fake-http-target.js';
import { stateValue } from './harness/slack-signing.js';

/**
 * A run in Slack: one message per run in the incident's thread, edited in place at every stage, with Approve and
 * Reject; the approvers on call get it by DM. Clicks the policy refuses — the requester's own, a second from the
 * same person, someone not on call, a button whose value is not a run — are answered to the clicker alone.
 */
let t: TestApp;
let s: TestSlack;
let target: FakeHttpTarget;
const ids: Record<string, string> = {};
const SLACK_IDS: Record<string, string> = {
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  dave: 'U0DAVE',
};

const person = (name: string): Actor => ({
  tenantId: t.actor.tenantId,
  kind: 'user',
  id: ids[name]!,
  name,
  roles: ['responder'],
  source: 'slack',
});

beforeAll(async () => {
  target = await startFakeHttpTarget();
  t = await startTestApp({ slack: true });
  s = t.slack!;
  for (const [name, slackId] of Object.entries(SLACK_IDS)) {
    s.fake.addUser({ id: slackId, real_name: name, email: `${name}@example.com`, tz: 'Europe/London' });
    ids[name] = await addUser(t, name, slackId);
  }
  const policy = await addPolicy(t, 'Checkout', {
    steps: [
      {
        delayMinutes: 5,
        targets: [
          { type: 'user', id: ids.bob },
          { type: 'user', id: ids.carol },
        ],
      },
    ],
    repeat: 0,
    urgency: { high: [1, 2, 3, 4, 5] },
  });
  await setServicePolicy(t, 'checkout', policy);
  await t.services.runbooks.create(t.actor, {
    name: 'Checkout API',
    slug: 'checkout-api',
    markdown: '# Checkout API',
    matchers: 'alertname=HighErrorRate, service=checkout',
    actions: [
      {
        name: 'restart-api',
        title: 'Restart the API',
        target: { kind: 'http', method: 'POST', url: `${target.url}/restart` },
        policy: { approval: 'two', maxPerHour: 5, verifyMinutes: 0 },
      },
    ],
  });
});
afterAll(async () => {
  await t?.close();
  await target?.close();
});

/** A firing HighErrorRate alert for checkout (Alertmanager), opening an incident the runbook's matchers match. */
async function alertFiring() {
  const labels = { alertname: 'HighErrorRate', service: 'checkout' };
  const res = await t.request('POST', '/api/v1/webhooks/alertmanager', {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    status: 'firing',
    receiver: 'opswatch',
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    truncatedAlerts: 0,
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: 'errors' },
        startsAt: '2026-03-02T09:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph',
        fingerprint: 'fp-run-modal',
      },
    ],
  });
  expect(res.status).toBe(200);
}

const click = async (who: string, actionId: string, value: string) => {
  await s.driver.blockAction(actionId, value, { user: SLACK_IDS[who]!, channelId: 'C0DEFAULT' });
  await s.idle();
};
/** What the last click was told, ephemerally (through its response_url). */
const toldLast = () =>
  s.fake.responseUrlPosts.at(-1)?.body as { response_type?: string; text?: string } | undefined;

describe('runbook runs in Slack', () => {
  it('one message per run in the thread, DMs to the approvers, refused clicks told to the clicker, then edited in place', async () => {
    const { ref } = await declare(t, 'checkout', 2, 'Checkout errors');
    await s.deliverOnce();
    const card = s.fake.messages.find((m) => m.channel === 'C0DEFAULT' && !m.thread_ts)!;
    expect(card).toBeDefined();

    const run = await t.services.remediation.runs.start(person('alice'), {
      runbook: 'checkout-api',
      action: 'restart-api',
      incident: ref,
    });
    await t.services.remediation.runDue();
    await s.deliverOnce();
    const inThread = () =>
      s.fake.messages.filter((m) => m.thread_ts === card.ts && m.text.startsWith('Runbook checkout-api'));
    expect(inThread()).toHaveLength(1);
    const msg = inThread()[0]!;
    expect(msg.text).toBe('Runbook checkout-api · Restart the API: :raised_hand: Waiting for approval');
    expect(checkLimits('message', { text: msg.text, blocks: msg.blocks })).toEqual([]);
    const value = JSON.stringify({ runId: run.id });
    expect(JSON.stringify(msg.blocks)).toContain(RUNBOOK_RUN_ACTIONS.approve);
    // bob and carol, on call, are asked by DM; alice, who asked, is not.
    const dms = s.fake
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.text).startsWith('Approval asked'));
    expect(dms.map((c) => c.args.channel).sort()).toEqual(['U0BOB', 'U0CAROL']);

    await click('alice', RUNBOOK_RUN_ACTIONS.approve, value);
    expect(toldLast()).toMatchObject({
      response_type: 'ephemeral',
      text: ':warning: You requested this run: someone else must approve it.',
    });
    await click('bob', RUNBOOK_RUN_ACTIONS.approve, value);
    await click('bob', RUNBOOK_RUN_ACTIONS.approve, value);
    expect(toldLast()).toMatchObject({
      response_type: 'ephemeral',
      text: ':warning: You have already approved this run: a second person must.',
    });
    await click('dave', RUNBOOK_RUN_ACTIONS.approve, value);
    expect(toldLast()?.text).toMatch(/^:warning: You may not approve this run/);
    await click('dave', RUNBOOK_RUN_ACTIONS.approve, '{"runId":"not-a-run"}');
    expect(toldLast()?.text).toMatch(/^:warning: Slack metadata does not match/);
    expect(target.requests).toHaveLength(0);

    await click('carol', RUNBOOK_RUN_ACTIONS.approve, value);
    await t.services.remediation.runDue();
    await s.deliverOnce();
    expect(target.requests.filter((r) => r.path === '/restart')).toHaveLength(1);
    // Still one message in the thread: edited at every stage, now done.
    expect(inThread()).toHaveLength(1);
    expect(inThread()[0]!.text).toBe('Runbook checkout-api · Restart the API: :white_check_mark: Done');
    expect(inThread()[0]!.history.length).toBeGreaterThan(1);
    expect(s.fake.violations).toEqual([]);
  });

  it("the card's Run… opens a modal to pick the action; submitting it starts the run", async () => {
    await alertFiring();
    await t.tick(); // attaches the runbook by its matchers: the card gains its line with Show · Run…
    await s.deliverOnce();
    const card = s.fake.messages.filter((m) => !m.thread_ts && m.channel === 'C0DEFAULT').at(-1)!;
    const blocks = JSON.stringify(card.history.at(-1)?.blocks ?? card.blocks);
    const value = /"action_id":"runbook_run_open","text":\{[^}]*\},"value":"((?:[^"\\]|\\.)*)"/.exec(blocks);
    expect(value).not.toBeNull();
    await s.driver.blockAction(RUNBOOK_ACTIONS.runOpen, JSON.parse(`"${value![1]}"`) as string, {
      user: 'U0BOB',
      channelId: 'C0DEFAULT',
    });
    await s.idle();
    const view = s.fake.calls.filter((c) => c.method === 'views.open').at(-1)!.args.view as {
      callback_id: string;
      private_metadata: string;
      blocks: unknown[];
    };
    expect(view.callback_id).toBe(VIEWS.runbookRun);
    expect(checkLimits('modal', view)).toEqual([]);
    const res = await s.driver.viewSubmission(
      VIEWS.runbookRun,
      {
        [RUNBOOK_RUN_INPUTS.action.blockId]: {
          [RUNBOOK_RUN_INPUTS.action.actionId]: stateValue.select('restart-api'),
        },
      },
      view.private_metadata,
      'U0BOB',
    );
    expect(res.status).toBe(200);
    const [row] = await t.sql<{ requested_by: string; action_name: string; stage: string }>(
      "select requested_by, action_name, stage from runbook_runs where requested_by = 'bob'",
    );
    expect(row).toEqual({ requested_by: 'bob', action_name: 'restart-api', stage: 'preflight' });
    expect(s.fake.violations).toEqual([]);
  });
});
