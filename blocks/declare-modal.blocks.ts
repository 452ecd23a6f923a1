/** The "Declare incident" and "Add note" modals. */
import type { InputBlock, KnownBlock, ModalView, PlainTextOption, StaticSelect } from '@slack/types';
import { AppError } from '../src/shared/errors.js';
import { incidentRef, inline, mrkdwn, plain, SEVERITIES } from './format.js';
import { DECLARE_INPUTS, NOTE_INPUTS, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import type { IncidentView, Severity } from './types.js';

export interface DeclareInitial {
  title?: string;
  service?: string;
  severity?: Severity;
  description?: string;
}

export interface DeclareModalInput {
  /** Service names to choose from; an empty list gives a free-text field. */
  services: readonly string[];
  initial?: DeclareInitial;
  /** Already encoded with `encodeMetadata` (at most 3,000 characters). */
  privateMetadata: string;
}

export const TITLE_MAX_LENGTH = 150;
export const DESCRIPTION_MAX_LENGTH = 3000;
export const NOTE_MAX_LENGTH = 3000;

function checkMetadata(privateMetadata: string): string {
  if (privateMetadata.length > LIMITS.privateMetadata) {
    throw new AppError(
      'too_large',
      `private_metadata is ${privateMetadata.length} characters; Slack allows 3000.`,
    );
  }
  return privateMetadata;
}

function option(text: string, value: string): PlainTextOption {
  return { text: plain(text, LIMITS.optionText), value };
}

/** Names usable as option values (trimmed, unique, sorted); longer ones cannot be an option's value. */
function serviceNames(services: readonly string[]): string[] {
  return [...new Set(services.map((s) => s.trim()))]
    .filter((s) => s.length > 0 && s.length <= LIMITS.optionValue)
    .sort((a, b) => a.localeCompare(b));
}

/** Chunks sorted names into option groups ("a – k") when they do not fit one list of 100. */
function serviceSelect(names: readonly string[], initial: string | undefined): StaticSelect {
  const base: StaticSelect = {
    type: 'static_select',
    action_id: DECLARE_INPUTS.service.actionId,
    placeholder: plain('Choose a service', LIMITS.placeholder),
  };
  const initialOption = initial && names.includes(initial) ? option(initial, initial) : undefined;
  if (initialOption) base.initial_option = initialOption;
  if (names.length <= LIMITS.selectOptions) return { ...base, options: names.map((n) => option(n, n)) };
  const capped = names.slice(0, LIMITS.optionGroups * LIMITS.selectOptions);
  const groups: NonNullable<StaticSelect['option_groups']> = [];
  for (let i = 0; i < capped.length; i += LIMITS.selectOptions) {
    const chunk = capped.slice(i, i + LIMITS.selectOptions);
    const first = chunk[0] ?? '';
    const last = chunk[chunk.length - 1] ?? '';
    groups.push({
      label: plain(`${first.slice(0, 30)} – ${last.slice(0, 30)}`, LIMITS.optionText),
      options: chunk.map((n) => option(n, n)),
    });
  }
  return { ...base, option_groups: groups };
}

function severitySelect(initial: Severity): StaticSelect {
  const options = ([1, 2, 3, 4, 5] as const).map((s) =>
    option(`${SEVERITIES[s].label} · ${SEVERITIES[s].name}`, String(s)),
  );
  return {
    type: 'static_select',
    action_id: DECLARE_INPUTS.severity.actionId,
    options,
    initial_option: options[initial - 1] ?? options[2],
  };
}

/** The declare modal (callback id `VIEWS.declare`). */
export function declareModal(input: DeclareModalInput): ModalView {
  const initial = input.initial ?? {};
  const title: InputBlock = {
    type: 'input',
    block_id: DECLARE_INPUTS.title.blockId,
    label: plain('Title', LIMITS.inputLabel),
    element: {
      type: 'plain_text_input',
      action_id: DECLARE_INPUTS.title.actionId,
      max_length: TITLE_MAX_LENGTH,
      placeholder: plain('What is broken? e.g. "Checkout returns 502"', LIMITS.placeholder),
      ...(initial.title ? { initial_value: truncate(initial.title, TITLE_MAX_LENGTH) } : {}),
    },
  };
  const names = serviceNames(input.services);
  const service: InputBlock = {
    type: 'input',
    block_id: DECLARE_INPUTS.service.blockId,
    label: plain('Service', LIMITS.inputLabel),
    element: names.length
      ? serviceSelect(names, initial.service)
      : {
          type: 'plain_text_input',
          action_id: DECLARE_INPUTS.service.actionId,
          max_length: 200,
          placeholder: plain('Which service is affected?', LIMITS.placeholder),
          ...(initial.service ? { initial_value: truncate(initial.service, 200) } : {}),
        },
  };
  const severity: InputBlock = {
    type: 'input',
    block_id: DECLARE_INPUTS.severity.blockId,
    label: plain('Severity', LIMITS.inputLabel),
    element: severitySelect(initial.severity ?? 3),
  };
  const description: InputBlock = {
    type: 'input',
    block_id: DECLARE_INPUTS.description.blockId,
    label: plain('Description', LIMITS.inputLabel),
    optional: true,
    element: {
      type: 'plain_text_input',
      action_id: DECLARE_INPUTS.description.actionId,
      multiline: true,
      max_length: DESCRIPTION_MAX_LENGTH,
      placeholder: plain('What do you see, who is affected, what have you tried?', LIMITS.placeholder),
      ...(initial.description
        ? { initial_value: truncate(initial.description, DESCRIPTION_MAX_LENGTH) }
        : {}),
    },
  };
  return {
    type: 'modal',
    callback_id: VIEWS.declare,
    private_metadata: checkMetadata(input.privateMetadata),
    title: plain('Declare incident', LIMITS.viewTitle),
    submit: plain('Declare', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks: [title, service, severity, description],
  };
}

/** The "Add note" modal (callback id `VIEWS.note`). */
export function noteModal(input: { incident: IncidentView; privateMetadata: string }): ModalView {
  const { incident } = input;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `*${incidentRef(incident.number)}* ${inline(incident.title, 500, 'Untitled incident')}`,
        LIMITS.sectionText,
      ),
    },
    {
      type: 'input',
      block_id: NOTE_INPUTS.note.blockId,
      label: plain('Note', LIMITS.inputLabel),
      element: {
        type: 'plain_text_input',
        action_id: NOTE_INPUTS.note.actionId,
        multiline: true,
        max_length: NOTE_MAX_LENGTH,
        focus_on_load: true,
        placeholder: plain('What did you find or change?', LIMITS.placeholder),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.note,
    private_metadata: checkMetadata(input.privateMetadata),
    title: plain('Add note', LIMITS.viewTitle),
    submit: plain('Add note', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks,
  };
}
