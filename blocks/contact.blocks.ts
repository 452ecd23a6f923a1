/**
 * "How you get paged": a person's phones (SMS, voice) with their status, their notification rules per urgency,
 * and the buttons to add a phone, edit the rules and send a test page — as the `/oncall contact` modal and as an
 * App Home section — and the answer to "Send me a test page". Pure: view models in, blocks out.
 */
import type { ActionsBlock, Button, KnownBlock, ModalView } from '@slack/types';
import { escapeMrkdwn, mrkdwn, plain } from './format.js';
import { CONTACT_ACTIONS, VIEWS } from './ids.js';
import { LIMITS } from './limits.js';
import type { MessagePayload } from './types.js';

export type PhoneType = 'sms' | 'voice';
export type PhoneStatus = 'unverified' | 'active' | 'disabled' | 'invalid';
export type RuleMethod = 'slack_dm' | 'sms' | 'voice';
export type RuleUrgency = 'high' | 'low';

/** One contact method as people see it. */
export interface PhoneView {
  id: string;
  type: PhoneType;
  /** E.164. */
  phoneNumber: string;
  status: PhoneStatus;
  /** Why it is disabled or invalid. */
  statusReason: string | null;
}

export interface RuleView {
  method: RuleMethod;
  delayMinutes: number;
  contactMethodId?: string | null;
}

/** Someone's paging set-up. */
export interface HowPagedView {
  phones: PhoneView[];
  rules: Record<RuleUrgency, RuleView[]>;
  /** Per urgency: no rules were set, the defaults apply. */
  defaulted: Record<RuleUrgency, boolean>;
}

/** The modal's `private_metadata` and a notice shown at its top (e.g. "Test page started…"). */
export interface ContactModalOptions {
  privateMetadata: string;
  notice?: string | null;
}

/** At most this many phones are listed (each takes two blocks). */
export const MAX_PHONES_SHOWN = 20;

const STATUS_TEXT: Record<PhoneStatus, string> = {
  active: ':white_check_mark: verified',
  unverified: ':hourglass_flowing_sand: waiting for code',
  disabled: ':no_entry: disabled by STOP',
  invalid: ':x: invalid number',
};

const TYPE_TEXT: Record<PhoneType, string> = { sms: 'SMS', voice: 'Voice call' };

const URGENCY_TEXT: Record<RuleUrgency, string> = {
  high: 'High urgency (P1–P2 unless the policy says otherwise)',
  low: 'Low urgency',
};

/** "after 5 minutes", "at once". */
export function delayText(minutes: number): string {
  if (minutes <= 0) return 'at once';
  const n = Number.isInteger(minutes) ? String(minutes) : minutes.toFixed(2).replace(/0+$/, '');
  return `after ${n} minute${minutes === 1 ? '' : 's'}`;
}

/** "a Slack DM", "an SMS to +14155550100", "a call to +14155550100" (a phone not found: "an SMS"). */
export function ruleMethodText(rule: RuleView, phones: readonly PhoneView[]): string {
  if (rule.method === 'slack_dm') return 'a Slack DM';
  const phone = phones.find((p) => p.id === rule.contactMethodId)?.phoneNumber;
  const what = rule.method === 'sms' ? 'an SMS' : 'a call';
  return phone ? `${what} to ${phone}` : what;
}

/** "a Slack DM at once, an SMS to +1… after 2 minutes and a call to +1… after 5 minutes". */
export function rulesSentence(rules: readonly RuleView[], phones: readonly PhoneView[]): string {
  if (rules.length === 0) return 'nothing';
  const parts = rules.map((r) => `${ruleMethodText(r, phones)} ${delayText(r.delayMinutes)}`);
  if (parts.length === 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** One line per phone: "*SMS* +14155550100 · verified". */
export function phoneLine(p: PhoneView): string {
  const reason =
    (p.status === 'disabled' || p.status === 'invalid') && p.statusReason
      ? ` (${escapeMrkdwn(p.statusReason).slice(0, 200)})`
      : '';
  return `*${TYPE_TEXT[p.type]}* ${p.phoneNumber} · ${STATUS_TEXT[p.status]}${reason}`;
}

function rulesText(view: HowPagedView, urgency: RuleUrgency): string {
  const rules = view.rules[urgency];
  const chain = rules.length ? rulesSentence(rules, view.phones) : 'nothing';
  const note = view.defaulted[urgency] ? ' _(the default)_' : '';
  return `*${URGENCY_TEXT[urgency]}:* ${chain}${note}`;
}

const button = (actionId: string, text: string, value: string, style?: 'primary' | 'danger'): Button => ({
  type: 'button',
  action_id: actionId,
  text: plain(text, LIMITS.buttonText),
  value,
  ...(style ? { style } : {}),
});

/** Add a phone · Edit rules · Send me a test page. */
export function howPagedButtons(): ActionsBlock {
  return {
    type: 'actions',
    elements: [
      button(CONTACT_ACTIONS.addPhone, 'Add a phone', 'add', 'primary'),
      button(CONTACT_ACTIONS.editRules, 'Edit rules', 'edit'),
      button(CONTACT_ACTIONS.testPage, 'Send me a test page', 'test'),
    ],
  };
}

function rulesBlock(view: HowPagedView): KnownBlock {
  const text = `${rulesText(view, 'high')}\n${rulesText(view, 'low')}`;
  return { type: 'section', text: mrkdwn(text, LIMITS.sectionText) };
}

const NO_PHONES = 'No phone yet: add one to be paged by SMS or phone call.';

/** The `/oncall contact` modal: each phone with Remove (and Enter code while unverified), the rules, the buttons. */
export function contactModal(view: HowPagedView, opts: ContactModalOptions): ModalView {
  const blocks: KnownBlock[] = [];
  if (opts.notice)
    blocks.push({ type: 'section', text: mrkdwn(opts.notice, LIMITS.sectionText) }, { type: 'divider' });
  blocks.push({ type: 'section', text: mrkdwn('*Your phones*', LIMITS.sectionText) });
  if (view.phones.length === 0)
    blocks.push({ type: 'context', elements: [mrkdwn(NO_PHONES, LIMITS.textObject)] });
  for (const p of view.phones.slice(0, MAX_PHONES_SHOWN)) {
    blocks.push({ type: 'section', text: mrkdwn(phoneLine(p), LIMITS.sectionText) });
    const elements: Button[] = [];
    if (p.status === 'unverified')
      elements.push(button(CONTACT_ACTIONS.enterCode, 'Enter code', p.id, 'primary'));
    elements.push({
      ...button(CONTACT_ACTIONS.remove, 'Remove', p.id, 'danger'),
      confirm: {
        title: plain('Remove this phone?', LIMITS.confirmTitle),
        text: plain(
          `${TYPE_TEXT[p.type]} ${p.phoneNumber} will no longer be paged; rules that use it are removed too.`,
          LIMITS.confirmText,
        ),
        confirm: plain('Remove', LIMITS.confirmButton),
        deny: plain('Keep it', LIMITS.confirmButton),
        style: 'danger',
      },
    });
    blocks.push({ type: 'actions', elements });
  }
  if (view.phones.length > MAX_PHONES_SHOWN)
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`… and ${view.phones.length - MAX_PHONES_SHOWN} more`, LIMITS.textObject)],
    });
  blocks.push(
    { type: 'divider' },
    { type: 'section', text: mrkdwn('*How you are told you are paged*', LIMITS.sectionText) },
    rulesBlock(view),
    howPagedButtons(),
  );
  return {
    type: 'modal',
    callback_id: VIEWS.contact,
    private_metadata: opts.privateMetadata,
    title: plain('How you get paged', LIMITS.viewTitle),
    close: plain('Done', LIMITS.viewTitle),
    blocks,
  };
}

/** App Home's "How you get paged" section: phones with their status, the rules, the buttons. */
export function howPagedHomeBlocks(view: HowPagedView): KnownBlock[] {
  const phones = view.phones.length
    ? view.phones
        .slice(0, MAX_PHONES_SHOWN)
        .map((p) => `• ${phoneLine(p)}`)
        .join('\n')
    : NO_PHONES;
  return [
    { type: 'header', text: plain('How you get paged', LIMITS.headerText) },
    { type: 'section', text: mrkdwn(phones, LIMITS.sectionText) },
    rulesBlock(view),
    howPagedButtons(),
    {
      type: 'context',
      elements: [mrkdwn('`/oncall contact` removes phones and enters codes.', LIMITS.textObject)],
    },
  ];
}

/** What a test page that just started runs, and when it ends. */
export interface TestPageStartedView {
  ref: string;
  rules: RuleView[];
  phones: PhoneView[];
  /** The person has no rules of their own: the defaults run. */
  defaulted: boolean;
  minutes: number;
}

/** "Test page started: you will get a Slack DM at once and an SMS to +1… after 2 minutes. It resolves…" */
export function testPageStartedText(view: TestPageStartedView): string {
  const defaults = view.defaulted ? ' (your high-urgency rules are the defaults)' : '';
  return (
    `Test page started: you will get ${rulesSentence(view.rules, view.phones)}${defaults}. ` +
    `It resolves itself in ${view.minutes} minute${view.minutes === 1 ? '' : 's'}.`
  );
}

export function testPageStarted(view: TestPageStartedView): MessagePayload {
  const text = testPageStartedText(view);
  return {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(`:test_tube: ${escapeMrkdwn(text)}`, LIMITS.sectionText) },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `${escapeMrkdwn(view.ref)} is a drill that pages only you and is posted to no channel. Acknowledge it from any page to end it early.`,
            LIMITS.textObject,
          ),
        ],
      },
    ],
  };
}
