import { describe, expect, it } from '@jest/globals';
import type { HeaderBlock } from '@slack/types';
import {
  contactModal,
  delayText,
  type HowPagedView,
  howPagedHomeBlocks,
  type PhoneView,
  phoneLine,
  rulesSentence,
  testPageStarted,
} from './contact.blocks.js';
import {
  addPhoneModal,
  editRulesModal,
  MAX_RULE_ROWS,
  ruleOptionValue,
  verifyCodeModal,
} from './contact-forms.blocks.js';
import { homeView } from './home.blocks.js';
import { CONTACT_ACTIONS, CONTACT_INPUTS, ruleInputIds, VIEWS } from './ids.js';
import { checkLimits, LIMITS } from './limits.js';
import { incidentView, TEST_OPTIONS } from './view-fixtures.js';

const SMS = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const VOICE = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const phones: PhoneView[] = [
  { id: SMS, type: 'sms', phoneNumber: '+14155550100', status: 'active', statusReason: null },
  { id: VOICE, type: 'voice', phoneNumber: '+14155550100', status: 'unverified', statusReason: null },
];
const view: HowPagedView = {
  phones,
  rules: {
    high: [
      { method: 'slack_dm', delayMinutes: 0 },
      { method: 'sms', delayMinutes: 2, contactMethodId: SMS },
      { method: 'voice', delayMinutes: 5, contactMethodId: VOICE },
    ],
    low: [{ method: 'slack_dm', delayMinutes: 0 }],
  },
  defaulted: { high: false, low: true },
};
const text = (v: unknown) => JSON.stringify(v);

describe('rules as people read them', () => {
  it('says each rule with its phone and delay', () => {
    expect(delayText(0)).toBe('at once');
    expect(delayText(1)).toBe('after 1 minute');
    expect(delayText(15)).toBe('after 15 minutes');
    expect(rulesSentence(view.rules.high, phones)).toBe(
      'a Slack DM at once, an SMS to +14155550100 after 2 minutes and a call to +14155550100 after 5 minutes',
    );
    expect(rulesSentence([], phones)).toBe('nothing');
    expect(rulesSentence([{ method: 'sms', delayMinutes: 1, contactMethodId: 'gone' }], [])).toBe(
      'an SMS after 1 minute',
    );
  });

  it('gives each phone its status', () => {
    expect(phoneLine(phones[0] as PhoneView)).toBe('*SMS* +14155550100 · :white_check_mark: verified');
    expect(phoneLine(phones[1] as PhoneView)).toContain('waiting for code');
    expect(
      phoneLine({ id: SMS, type: 'sms', phoneNumber: '+1', status: 'disabled', statusReason: 'texted STOP' }),
    ).toBe('*SMS* +1 · :no_entry: disabled by STOP (texted STOP)');
    expect(
      phoneLine({ id: SMS, type: 'voice', phoneNumber: '+1', status: 'invalid', statusReason: null }),
    ).toBe('*Voice call* +1 · :x: invalid number');
  });
});

describe('the /oncall contact modal', () => {
  const modal = contactModal(view, { privateMetadata: '{"from":"modal"}' });

  it('lists phones with Remove (confirmed) and Enter code while unverified, the rules and the buttons', () => {
    expect(modal.callback_id).toBe(VIEWS.contact);
    expect(modal.title.text).toBe('How you get paged');
    expect(modal.submit).toBeUndefined();
    const actions = modal.blocks.filter((b) => b.type === 'actions') as unknown as {
      elements: Record<string, unknown>[];
    }[];
    expect(actions[0]?.elements.map((e) => [e.action_id, e.value])).toEqual([[CONTACT_ACTIONS.remove, SMS]]);
    expect(actions[1]?.elements.map((e) => [e.action_id, e.value])).toEqual([
      [CONTACT_ACTIONS.enterCode, VOICE],
      [CONTACT_ACTIONS.remove, VOICE],
    ]);
    expect(actions[0]?.elements[0]?.confirm).toMatchObject({ title: { text: 'Remove this phone?' } });
    expect(actions.at(-1)?.elements.map((e) => e.action_id)).toEqual([
      CONTACT_ACTIONS.addPhone,
      CONTACT_ACTIONS.editRules,
      CONTACT_ACTIONS.testPage,
    ]);
    expect(text(modal)).toContain('*Low urgency:* a Slack DM at once _(the default)_');
    expect(checkLimits('modal', modal)).toEqual([]);
  });

  it('shows a notice on top, and says when there is no phone', () => {
    const empty = contactModal(
      { ...view, phones: [] },
      { privateMetadata: '{}', notice: ':white_check_mark: Rules saved.' },
    );
    expect(empty.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':white_check_mark: Rules saved.' },
    });
    expect(text(empty)).toContain('No phone yet');
  });

  it('stays within Slack’s limits with many phones', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...(phones[1] as PhoneView), id: `${i}` }));
    const big = contactModal({ ...view, phones: many }, { privateMetadata: '{}' });
    expect(checkLimits('modal', big)).toEqual([]);
    expect(text(big)).toContain('… and 40 more');
  });
});

describe('App Home’s section', () => {
  it('has the summary and the three buttons', () => {
    const blocks = howPagedHomeBlocks(view);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'How you get paged' } });
    expect(text(blocks)).toContain('• *SMS* +14155550100 · :white_check_mark: verified');
    expect(text(blocks)).toContain(CONTACT_ACTIONS.testPage);
    expect(checkLimits('home', { type: 'home', blocks })).toEqual([]);
  });

  it('comes before the incidents, and the tab stays within 100 blocks however many are open', () => {
    const open = Array.from({ length: 300 }, (_, i) => incidentView({ id: `i${i}`, number: i + 1 }));
    const home = homeView(
      { user: { slackUserId: 'U0ANA', name: 'Ana' }, openIncidents: open, assignedToMe: [], howPaged: view },
      TEST_OPTIONS,
    );
    const headers = home.blocks.flatMap((b) => (b.type === 'header' ? [(b as HeaderBlock).text.text] : []));
    expect(headers.slice(0, 3)).toEqual(['OpsWatch', 'How you get paged', 'Assigned to me (0)']);
    expect(home.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    expect(checkLimits('home', home)).toEqual([]);
  });
});

describe('the test page answer', () => {
  it('says what will come and when it ends', () => {
    const msg = testPageStarted({
      ref: 'INC-7',
      rules: view.rules.high,
      phones,
      defaulted: false,
      minutes: 6,
    });
    expect(msg.text).toBe(
      'Test page started: you will get a Slack DM at once, an SMS to +14155550100 after 2 minutes and a call to +14155550100 after 5 minutes. It resolves itself in 6 minutes.',
    );
    expect(text(msg.blocks)).toContain('INC-7 is a drill that pages only you');
    const defaults = testPageStarted({
      ref: 'INC-8',
      rules: view.rules.low,
      phones,
      defaulted: true,
      minutes: 1,
    });
    expect(defaults.text).toBe(
      'Test page started: you will get a Slack DM at once (your high-urgency rules are the defaults). It resolves itself in 1 minute.',
    );
    expect(checkLimits('message', msg)).toEqual([]);
  });
});

describe('the forms', () => {
  it('add a phone: SMS checked by default, the number', () => {
    const m = addPhoneModal({ privateMetadata: '{}' });
    expect(m.callback_id).toBe(VIEWS.addPhone);
    expect(m.blocks.map((b) => b.block_id)).toEqual([
      CONTACT_INPUTS.type.blockId,
      CONTACT_INPUTS.phone.blockId,
    ]);
    expect(text(m)).toContain('"initial_options":[{"text":{"type":"plain_text","text":"SMS (text message)"');
    expect(checkLimits('modal', m)).toEqual([]);
  });

  it('the code: where it was sent, Send a new code, what comes next', () => {
    const m = verifyCodeModal({
      contactMethodId: VOICE,
      type: 'voice',
      phoneNumber: '+14155550100',
      waiting: 1,
      notice: 'A new code was sent.',
      privateMetadata: '{}',
    });
    expect(m.callback_id).toBe(VIEWS.verifyCode);
    expect(text(m)).toContain('We are calling *+14155550100*: the call says a 6-digit code.');
    expect(text(m)).toContain(`"action_id":"${CONTACT_ACTIONS.resendCode}"`);
    expect(text(m)).toContain('A new code was sent. Then the code of 1 more.');
    expect(m.blocks.some((b) => b.block_id === CONTACT_INPUTS.code.blockId)).toBe(true);
    expect(checkLimits('modal', m)).toEqual([]);
  });

  it('the rules: rows of method + minutes per urgency, only verified phones offered', () => {
    const m = editRulesModal({
      phones,
      rows: {
        high: [
          { value: 'slack_dm', delayMinutes: 0 },
          { value: ruleOptionValue({ method: 'sms', contactMethodId: SMS }), delayMinutes: 2 },
        ],
        low: [{ value: null, delayMinutes: null }],
      },
      privateMetadata: '{}',
    });
    expect(m.callback_id).toBe(VIEWS.editRules);
    const ids = m.blocks.map((b) => b.block_id).filter(Boolean);
    expect(ids).toEqual([
      ruleInputIds('high', 0).method.blockId,
      ruleInputIds('high', 0).delay.blockId,
      ruleInputIds('high', 1).method.blockId,
      ruleInputIds('high', 1).delay.blockId,
      ruleInputIds('low', 0).method.blockId,
      ruleInputIds('low', 0).delay.blockId,
    ]);
    const shown = text(m);
    expect(shown).toContain('SMS to +14155550100');
    expect(shown).not.toContain('Call +14155550100');
    expect(shown).toContain('1 phone is not offered');
    expect(shown).toContain(
      `"initial_option":{"text":{"type":"plain_text","text":"SMS to +14155550100","emoji":true},"value":"sms:${SMS}"}`,
    );
    expect(checkLimits('modal', m)).toEqual([]);
  });

  it('the rules at their limit: 10 rows each, no Add button, within Slack’s limits', () => {
    const full = Array.from({ length: MAX_RULE_ROWS }, (_, i) => ({ value: 'slack_dm', delayMinutes: i }));
    const m = editRulesModal({ phones, rows: { high: full, low: full }, privateMetadata: '{}' });
    expect(text(m)).not.toContain(CONTACT_ACTIONS.addRuleRow);
    expect(checkLimits('modal', m)).toEqual([]);
  });
});
