import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { View } from '@slack/types';
import { INCIDENT_ACTIONS, MERGE_INPUTS, VIEWS } from '../blocks/ids.js';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { stateValue } from './harness/slack-signing.js';

let t: TestApp;
let s: TestSlack;

beforeAll(async () => {
  t = await startTestApp({ slack: true });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({
    id: 'U0ALICE',
    real_name: 'Alice Smith',
    email: 'alice@example.com',
    tz: 'Europe/London',
  });
});
afterAll(async () => {
  await t?.close();
});

const fire = async (title: string) => {
  const res = await t.request('POST', '/api/v1/webhooks/generic', {
    title,
    service: 'checkout',
    severity: 2,
  });
  const body = (await res.json()) as { incidents: { id: string; number: number }[] };
  return { id: body.incidents[0]!.id, ref: `INC-${body.incidents[0]!.number}` };
};
const cards = () => s.fake.messages.filter((m) => m.channel === 'C0DEFAULT' && !m.thread_ts);
const cardOf = (ref: string) => cards().find((m) => String(m.text).includes(`${ref} `));
const repliesTo = (ts: string) => s.fake.messages.filter((m) => m.thread_ts === ts);
const lastOpened = (): View => (s.fake.callsTo('views.open').at(-1)?.args.view ?? {}) as View;

/** The value of the card's More control (the menu, or its one option as a button) for the option `label`. */
function moreValue(blocks: unknown, label: string): string {
  type Element = {
    action_id?: string;
    text?: { text: string };
    value?: string;
    options?: { text: { text: string }; value?: string }[];
  };
  const elements = ((blocks ?? []) as { elements?: Element[] }[]).flatMap((b) => b.elements ?? []);
  const more = elements.find((e) => e.action_id === INCIDENT_ACTIONS.more);
  const options = more?.options ?? (more?.text ? [{ text: more.text, value: more.value }] : []);
  const value = options.find((o) => o.text.text === label)?.value;
  if (!value) throw new Error(`no "${label}" in the card's More control`);
  return value;
}

describe('"Merge into…" from the card', () => {
  let first: { id: string; ref: string };
  let second: { id: string; ref: string };

  it('the card offers "Merge into…"; it opens a modal listing the other open incidents', async () => {
    first = await fire('Checkout is down');
    second = await fire('Checkout errors');
    await s.deliverOnce();
    const card = cardOf(second.ref);
    expect(card).toBeDefined();
    const value = moreValue(card?.blocks, 'Merge into…');
    const res = await s.driver.blockAction(INCIDENT_ACTIONS.more, value, {
      elementType: 'button',
      message: { ts: card?.ts ?? '', channel: 'C0DEFAULT' },
    });
    expect(res.status).toBe(200);
    await s.idle();
    const modal = lastOpened();
    expect(modal.callback_id).toBe(VIEWS.merge);
    const shown = JSON.stringify(modal.blocks);
    expect(shown).toContain(`${first.ref} · P2 · Checkout is down`);
    expect(shown).not.toContain(`${second.ref} · P2`);
    expect(s.fake.violations).toEqual([]);
  });

  it('submitted: merged as the Slack user; the merged card says where it went, both cards and threads say so', async () => {
    const modal = lastOpened();
    s.fake.reset();
    const res = await s.driver.viewSubmission(
      VIEWS.merge,
      { [MERGE_INPUTS.into.blockId]: { [MERGE_INPUTS.into.actionId]: stateValue.select(first.id) } },
      modal.private_metadata,
    );
    expect(res.status).toBe(200);
    expect(res.body).toBeFalsy(); // closes the modal
    await s.idle();
    const merged = (await (await t.request('GET', `/api/v1/incidents/${second.ref}`)).json()) as {
      status: string;
      mergedInto: { ref: string } | null;
      timeline: { kind: string; actor: { name: string } }[];
    };
    expect(merged).toMatchObject({ status: 'resolved', mergedInto: { ref: first.ref } });
    expect(merged.timeline.at(-1)).toMatchObject({ kind: 'merged_into', actor: { name: 'Alice Smith' } });

    await s.deliverOnce();
    const updates = s.fake.callsTo('chat.update').filter((c) => c.ok);
    const mergedCardTs = cardOf(second.ref)?.ts;
    const targetCardTs = cardOf(first.ref)?.ts;
    const mergedUpdate = updates.filter((u) => u.args.ts === mergedCardTs).at(-1);
    expect(String(mergedUpdate?.args.text)).toContain(`Merged into ${first.ref}`);
    // A link to the target's card.
    expect(JSON.stringify(mergedUpdate?.args.blocks)).toMatch(
      new RegExp(`Merged into <https://[^|>]+\\|${first.ref}>`),
    );
    expect(JSON.stringify(mergedUpdate?.args.blocks)).not.toContain(INCIDENT_ACTIONS.acknowledge);
    const targetUpdate = updates.filter((u) => u.args.ts === targetCardTs).at(-1);
    expect(JSON.stringify(targetUpdate?.args.blocks)).toContain('2 alerts');
    expect(
      repliesTo(mergedCardTs ?? '')
        .map((r) => r.text)
        .join('\n'),
    ).toContain(`Alice Smith merged ${second.ref}`);
    expect(
      repliesTo(targetCardTs ?? '')
        .map((r) => r.text)
        .join('\n'),
    ).toContain(`Alice Smith merged a duplicate into ${first.ref}`);
    expect(s.fake.violations).toEqual([]);
  });

  it('a merge no longer possible is refused on the modal’s field', async () => {
    const third = await fire('Checkout slow');
    await s.deliverOnce();
    const res = await s.driver.viewSubmission(
      VIEWS.merge,
      { [MERGE_INPUTS.into.blockId]: { [MERGE_INPUTS.into.actionId]: stateValue.select(second.id) } },
      JSON.stringify({ incidentId: third.id }),
    );
    const body = res.body as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual([MERGE_INPUTS.into.blockId]);
    expect(body.errors[MERGE_INPUTS.into.blockId]).toContain(`${second.ref} is resolved`);
  });

  it('/incident merge does the same from the command line', async () => {
    const fourth = await fire('Checkout flaky');
    const res = await s.driver.slashCommand('/incident', `merge ${fourth.ref} into ${first.ref}`);
    expect(res.status).toBe(200);
    await s.idle();
    const told = s.fake.responseUrlPosts.at(-1)?.body as { text: string };
    expect(told.text).toContain(`${fourth.ref} is merged into ${first.ref}`);
  });
});
