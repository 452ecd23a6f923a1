/**
 * The resolve form (card and App Home's Resolve, `/incident resolve INC-42`) and the DM asking what fixed an
 * incident that resolved by itself, whose button opens the same form. Every field is optional: submitting it as it
 * opens simply resolves.
 */
import type { Button, InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { AppError } from '../src/shared/errors.js';
import { escapeMrkdwn, incidentRef, inline, mrkdwn, plain, slackDate } from './format.js';
import { KB_ACTIONS, RESOLVE_INPUTS, VIEWS } from './ids.js';
import { knownProblemText } from './kb-hint.blocks.js';
import { LIMITS, truncate } from './limits.js';
import type { BlockOptions, KnownProblemView, MessagePayload } from './types.js';

/** Root cause categories, as the form lists them. */
export const ROOT_CAUSE_LABELS = {
  config: 'Configuration',
  deploy: 'Deploy',
  capacity: 'Capacity',
  dependency: 'Dependency',
  hardware: 'Hardware',
  unknown: 'Unknown',
} as const;
export type RootCauseKey = keyof typeof ROOT_CAUSE_LABELS;

export const FIX_MAX_LENGTH = 3000;
const KB_OPTION = 'kb';

export interface ResolveModalInput {
  incident: { number: number; title: string };
  /** Already resolved (it resolved by itself): the form only tells what fixed it. */
  resolved: boolean;
  /** What is known of its signature, shown above the fields as a reminder. */
  knownProblem?: KnownProblemView | null;
  /** Already encoded with `encodeMetadata`. */
  privateMetadata: string;
  now: Date;
}

const option = (value: RootCauseKey): PlainTextOption => ({
  text: plain(ROOT_CAUSE_LABELS[value], LIMITS.optionText),
  value,
});

export function resolveModal(input: ResolveModalInput): ModalView {
  if (input.privateMetadata.length > LIMITS.privateMetadata)
    throw new AppError('validation', 'The form cannot carry this much context.');
  const ref = incidentRef(input.incident.number);
  const kbOption = { text: plain('Add to the knowledge base', LIMITS.optionText), value: KB_OPTION };
  const hint = knownProblemText(input.knownProblem, input.now);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `*${ref}* ${inline(input.incident.title, 500, 'Untitled incident')}${input.resolved ? ' resolved by itself.' : ''}`,
        LIMITS.sectionText,
      ),
    },
    ...(hint ? [{ type: 'context' as const, elements: [mrkdwn(hint, LIMITS.textObject)] }] : []),
    {
      type: 'input',
      block_id: RESOLVE_INPUTS.fix.blockId,
      optional: true,
      label: plain('What fixed it?', LIMITS.inputLabel),
      element: {
        type: 'plain_text_input',
        action_id: RESOLVE_INPUTS.fix.actionId,
        multiline: true,
        max_length: FIX_MAX_LENGTH,
        focus_on_load: true,
        placeholder: plain('e.g. restarted pgbouncer', LIMITS.placeholder),
      },
    } satisfies InputBlock,
    {
      type: 'input',
      block_id: RESOLVE_INPUTS.cause.blockId,
      optional: true,
      label: plain('Root cause', LIMITS.inputLabel),
      element: {
        type: 'static_select',
        action_id: RESOLVE_INPUTS.cause.actionId,
        placeholder: plain('Choose a category', LIMITS.placeholder),
        options: (Object.keys(ROOT_CAUSE_LABELS) as RootCauseKey[]).map(option),
      },
    } satisfies InputBlock,
    {
      type: 'input',
      block_id: RESOLVE_INPUTS.kb.blockId,
      optional: true,
      label: plain('Knowledge base', LIMITS.inputLabel),
      hint: plain('The next incident like this one shows what fixed it.', LIMITS.inputHint),
      element: {
        type: 'checkboxes',
        action_id: RESOLVE_INPUTS.kb.actionId,
        options: [kbOption],
        initial_options: [kbOption],
      },
    } satisfies InputBlock,
    {
      type: 'context',
      elements: [mrkdwn('Every field is optional: submit as is to just resolve.', LIMITS.textObject)],
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.resolve,
    private_metadata: input.privateMetadata,
    title: plain(input.resolved ? `What fixed ${ref}?` : `Resolve ${ref}`, LIMITS.viewTitle),
    submit: plain(input.resolved ? 'Save' : 'Resolve', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks,
  };
}

/** What the form's state holds: `view.state.values`. */
type StateValues = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_options?: { value: string }[];
    }
  >
>;

/** The form's answers: what fixed it, the category, and whether it goes to the knowledge base. */
export function readResolveForm(values: StateValues): {
  fix?: string;
  rootCause?: RootCauseKey;
  addToKnowledgeBase: boolean;
} {
  const fix = values[RESOLVE_INPUTS.fix.blockId]?.[RESOLVE_INPUTS.fix.actionId]?.value?.trim();
  const cause = values[RESOLVE_INPUTS.cause.blockId]?.[RESOLVE_INPUTS.cause.actionId]?.selected_option?.value;
  const kb = values[RESOLVE_INPUTS.kb.blockId]?.[RESOLVE_INPUTS.kb.actionId]?.selected_options ?? [];
  return {
    ...(fix ? { fix } : {}),
    ...(cause && Object.hasOwn(ROOT_CAUSE_LABELS, cause) ? { rootCause: cause as RootCauseKey } : {}),
    addToKnowledgeBase: kb.some((o) => o.value === KB_OPTION),
  };
}

export interface AskView {
  incidentId: string;
  number: number;
  title: string;
  service: string;
  resolvedAt: Date;
}

/** "INC-42 resolved by itself. What fixed it?" — a DM with a button opening the form. */
export function askWhatFixedIt(view: AskView, opts: BlockOptions): MessagePayload {
  const ref = incidentRef(view.number);
  const title = view.title.replace(/\s+/g, ' ').trim() || 'Untitled incident';
  const button: Button = {
    type: 'button',
    action_id: KB_ACTIONS.tellFix,
    text: plain('Tell what fixed it', LIMITS.buttonText),
    style: 'primary',
    value: view.incidentId,
  };
  const line = `:white_check_mark: *${ref}* ${inline(title, 300)} (${inline(view.service, 100)}) resolved by itself ${slackDate(view.resolvedAt, opts)}. What fixed it?`;
  return {
    text: truncate(escapeMrkdwn(`${ref} resolved by itself. What fixed it?`), LIMITS.sectionText),
    blocks: [
      { type: 'section', text: mrkdwn(line, LIMITS.sectionText) },
      {
        type: 'context',
        elements: [mrkdwn('The next incident like this one will show your answer on its card.', 300)],
      },
      { type: 'actions', elements: [button] },
    ],
  };
}
