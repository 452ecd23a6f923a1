/**
 * The forms behind "How you get paged": add a phone (SMS, voice or both), enter its 6-digit code (with "Send a
 * new code"), and edit the notification rules (each urgency's chain: up to 10 rows of method + delay, only
 * verified phones offered). Pure: view models in, modals out.
 */
import type {
  ActionsBlock,
  Checkboxes,
  InputBlock,
  KnownBlock,
  ModalView,
  NumberInput,
  PlainTextOption,
  StaticSelect,
} from '@slack/types';
import type { PhoneType, PhoneView, RuleUrgency } from './contact.blocks.js';
import { escapeMrkdwn, mrkdwn, plain } from './format.js';
import { CONTACT_ACTIONS, CONTACT_INPUTS, ruleInputIds, VIEWS } from './ids.js';
import { LIMITS } from './limits.js';

/** A chain has at most this many rules (the domain's limit). */
export const MAX_RULE_ROWS = 10;

const TYPE_OPTIONS: Record<PhoneType, PlainTextOption> = {
  sms: { text: plain('SMS (text message)', LIMITS.optionText), value: 'sms' },
  voice: { text: plain('Voice call', LIMITS.optionText), value: 'voice' },
};

function input(
  ids: { blockId: string; actionId: string },
  label: string,
  element: InputBlock['element'],
  extra: Partial<InputBlock> = {},
): InputBlock {
  return { type: 'input', block_id: ids.blockId, label: plain(label, LIMITS.inputLabel), element, ...extra };
}

/** The add-phone modal: how (SMS, voice or both) and the number. */
export function addPhoneModal(opts: {
  privateMetadata: string;
  initial?: { types?: PhoneType[]; phoneNumber?: string };
}): ModalView {
  const types = opts.initial?.types?.length ? opts.initial.types : (['sms'] as PhoneType[]);
  const how: Checkboxes = {
    type: 'checkboxes',
    action_id: CONTACT_INPUTS.type.actionId,
    options: [TYPE_OPTIONS.sms, TYPE_OPTIONS.voice],
    initial_options: types.map((t) => TYPE_OPTIONS[t]),
  };
  return {
    type: 'modal',
    callback_id: VIEWS.addPhone,
    private_metadata: opts.privateMetadata,
    title: plain('Add a phone', LIMITS.viewTitle),
    submit: plain('Send code', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks: [
      input(CONTACT_INPUTS.type, 'Page me by', how),
      input(
        CONTACT_INPUTS.phone,
        'Phone number',
        {
          type: 'plain_text_input',
          action_id: CONTACT_INPUTS.phone.actionId,
          max_length: 40,
          placeholder: plain('+1 415 555 0100', LIMITS.placeholder),
          ...(opts.initial?.phoneNumber ? { initial_value: opts.initial.phoneNumber } : {}),
        },
        {
          hint: plain(
            'With the country code. We text (or call) it with a 6-digit code to check it is yours.',
            LIMITS.inputHint,
          ),
        },
      ),
    ],
  };
}

/** The code modal: one phone at a time. */
export interface VerifyCodeView {
  contactMethodId: string;
  type: PhoneType;
  phoneNumber: string;
  /** Shown under the explanation: "A new code was sent." or a warning. */
  notice?: string | null;
  /** Other phones added with this one that still wait for their code (asked next). */
  waiting?: number;
  privateMetadata: string;
}

export function verifyCodeModal(view: VerifyCodeView): ModalView {
  const how =
    view.type === 'sms'
      ? `We texted a 6-digit code to *${view.phoneNumber}*.`
      : `We are calling *${view.phoneNumber}*: the call says a 6-digit code.`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(`${how} Enter it here within 10 minutes.`, LIMITS.sectionText),
    },
    input(CONTACT_INPUTS.code, 'Code', {
      type: 'plain_text_input',
      action_id: CONTACT_INPUTS.code.actionId,
      max_length: 12,
      placeholder: plain('123456', LIMITS.placeholder),
    }),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: CONTACT_ACTIONS.resendCode,
          text: plain('Send a new code', LIMITS.buttonText),
          value: view.contactMethodId,
        },
      ],
    },
  ];
  const notes = [
    ...(view.notice ? [view.notice] : []),
    ...(view.waiting ? [`Then the code of ${view.waiting} more.`] : []),
  ];
  if (notes.length) blocks.push({ type: 'context', elements: [mrkdwn(notes.join(' '), LIMITS.textObject)] });
  return {
    type: 'modal',
    callback_id: VIEWS.verifyCode,
    private_metadata: view.privateMetadata,
    title: plain(view.type === 'sms' ? 'Verify SMS' : 'Verify voice', LIMITS.viewTitle),
    submit: plain('Verify', LIMITS.viewTitle),
    close: plain('Later', LIMITS.viewTitle),
    blocks,
  };
}

/** A rule row's select value: `slack_dm`, `sms:<contact method id>`, `voice:<contact method id>`. */
export function ruleOptionValue(rule: { method: string; contactMethodId?: string | null }): string {
  return rule.method === 'slack_dm' ? 'slack_dm' : `${rule.method}:${rule.contactMethodId ?? ''}`;
}

/** One row as shown: its select value (null: empty) and delay. */
export interface RuleRowView {
  value: string | null;
  delayMinutes: number | null;
}

export interface RulesFormView {
  /** The person's phones; only verified ones are offered. */
  phones: PhoneView[];
  rows: Record<RuleUrgency, RuleRowView[]>;
  privateMetadata: string;
}

function methodOptions(phones: readonly PhoneView[]): PlainTextOption[] {
  const options: PlainTextOption[] = [{ text: plain('Slack DM', LIMITS.optionText), value: 'slack_dm' }];
  for (const p of phones.filter((x) => x.status === 'active').slice(0, LIMITS.selectOptions - 1))
    options.push({
      text: plain(p.type === 'sms' ? `SMS to ${p.phoneNumber}` : `Call ${p.phoneNumber}`, LIMITS.optionText),
      value: ruleOptionValue({ method: p.type, contactMethodId: p.id }),
    });
  return options;
}

const URGENCY_TITLE: Record<RuleUrgency, string> = {
  high: '*High urgency* (P1–P2 unless a policy says otherwise)',
  low: '*Low urgency*',
};

function urgencyBlocks(urgency: RuleUrgency, rows: readonly RuleRowView[], options: PlainTextOption[]) {
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(URGENCY_TITLE[urgency], LIMITS.sectionText) },
  ];
  rows.slice(0, MAX_RULE_ROWS).forEach((row, i) => {
    const ids = ruleInputIds(urgency, i);
    const initial = row.value ? options.find((o) => o.value === row.value) : undefined;
    const select: StaticSelect = {
      type: 'static_select',
      action_id: ids.method.actionId,
      placeholder: plain('No rule', LIMITS.placeholder),
      options,
      ...(initial ? { initial_option: initial } : {}),
    };
    const delay: NumberInput = {
      type: 'number_input',
      action_id: ids.delay.actionId,
      is_decimal_allowed: false,
      min_value: '0',
      max_value: '1440',
      ...(row.delayMinutes !== null ? { initial_value: String(row.delayMinutes) } : {}),
    };
    blocks.push(
      input(ids.method, `Rule ${i + 1}`, select, { optional: true }),
      input(ids.delay, `Rule ${i + 1}: minutes after the page`, delay, {
        optional: true,
        hint: plain('0 = at once', LIMITS.inputHint),
      }),
    );
  });
  if (rows.length < MAX_RULE_ROWS) {
    const add: ActionsBlock = {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: CONTACT_ACTIONS.addRuleRow,
          text: plain(`Add a ${urgency}-urgency rule`, LIMITS.buttonText),
          value: urgency,
        },
      ],
    };
    blocks.push(add);
  }
  return blocks;
}

/** The rules modal: each urgency's rows (an empty row is ignored; an empty chain means the defaults). */
export function editRulesModal(view: RulesFormView): ModalView {
  const options = methodOptions(view.phones);
  const unverified = view.phones.filter((p) => p.status !== 'active').length;
  const note =
    'Each rule tells you once, that many minutes after you are paged, until you acknowledge. ' +
    'No rules for an urgency: a Slack DM at once.' +
    (unverified
      ? ` ${unverified} phone${unverified === 1 ? ' is' : 's are'} not offered: only verified phones can be paged.`
      : '');
  return {
    type: 'modal',
    callback_id: VIEWS.editRules,
    private_metadata: view.privateMetadata,
    title: plain('Notification rules', LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks: [
      { type: 'context', elements: [mrkdwn(escapeMrkdwn(note), LIMITS.textObject)] },
      ...urgencyBlocks('high', view.rows.high, options),
      { type: 'divider' },
      ...urgencyBlocks('low', view.rows.low, options),
    ],
  };
}
