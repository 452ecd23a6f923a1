/** Action, callback and block ids the builders emit and the Slack listeners match on. */

export const INCIDENT_ACTIONS = {
  acknowledge: 'incident.acknowledge',
  resolve: 'incident.resolve',
  /** A `users_select`; the incident id is in the actions block's id (see `incidentActionsBlockId`). */
  assign: 'incident.assign',
  addNote: 'incident.add_note',
  declare: 'incident.declare',
  /** The overflow menu on `/incident list` rows; its option values are `ListOverflowValue` (metadata codec). */
  listOverflow: 'incident.list_overflow',
  /** The card's "More" overflow menu; its option values are `CardMoreValue` (incident-card-more.blocks.ts). */
  more: 'incident.more',
  /** "Post update" (the reminder DM): opens the status update modal; its value is the incident id. */
  postUpdate: 'incident.post_update',
} as const;

/**
 * Escalation buttons: Escalate (card, page DM, App Home; its value is `EscalateButtonValue`, metadata codec) and
 * Open card (a link button on the page DM; Slack still sends the click, which is acknowledged and ignored).
 * The page DM's and the channel post's Acknowledge reuse `INCIDENT_ACTIONS.acknowledge`.
 */
export const ESCALATION_ACTIONS = {
  escalate: 'escalation.escalate',
  openCard: 'escalation.open_card',
} as const;

export const HOME_ACTIONS = {
  viewAll: 'home.view_all',
} as const;

export const VIEWS = {
  declare: 'incident.declare_modal',
  /** Run a runbook's action on an incident (the card's Run…, `/runbook run`): which action, and confirm. */
  runbookRun: 'runbook_run.modal',
  note: 'incident.note_modal',
  /** "Merge into…" (the card's More menu): which open incident this one is a duplicate of. */
  merge: 'incident.merge_modal',
  /** `/oncall override`: who covers which schedule, from when to when. */
  override: 'oncall.override_modal',
  /** `/oncall contact`: "How you get paged" (phones, rules, test page); it has no submit. */
  contact: 'contact.modal',
  /** Add a phone: SMS, voice or both, and the number. */
  addPhone: 'contact.add_phone_modal',
  /** The 6-digit code of a phone just added (one method at a time). */
  verifyCode: 'contact.verify_modal',
  /** Edit notification rules: each urgency's chain of method + delay. */
  editRules: 'contact.rules_modal',
  /** Set a role of an incident: which role, and who (none: clear it). */
  role: 'incident.role_modal',
  /** A status update: the status and a message for the people waiting. */
  statusUpdate: 'incident.update_modal',
  /** Resolve (card, App Home, `/incident resolve INC-4`) and "What fixed it?" (the self-resolved DM). */
  resolve: 'incident.resolve_modal',
  /** A knowledge base entry, opened from a hint or a search result (no submit). */
  kbEntry: 'kb.entry_modal',
  /** A postmortem: its facts, sections (each with Edit), status buttons and action items. No submit. */
  postmortem: 'postmortem.modal',
  /** One section of a postmortem, in parts of at most 3,000 characters. */
  postmortemSection: 'postmortem.section_modal',
  /** A postmortem's whole timeline table (pushed from the postmortem modal). No submit. */
  postmortemTimeline: 'postmortem.timeline_modal',
  /** A runbook (`/runbook show`, the card's "Show"): its Markdown in sections. No submit. */
  runbook: 'runbook.modal',
  /** A new action item: title, owner, due date. */
  actionItem: 'postmortem.action_item_modal',
} as const;

/** Input blocks of the role modal. */
export const ROLE_INPUTS = {
  role: { blockId: 'role.role', actionId: 'role.role.value' },
  user: { blockId: 'role.user', actionId: 'role.user.value' },
} as const;

/** Input blocks of the status update modal. */
export const UPDATE_INPUTS = {
  status: { blockId: 'update.status', actionId: 'update.status.value' },
  message: { blockId: 'update.message', actionId: 'update.message.value' },
} as const;

/** Knowledge base buttons: Show an entry (its value: the entry id) and the self-resolved DM's "Tell what fixed it". */
export const KB_ACTIONS = {
  showEntry: 'kb.show_entry',
  tellFix: 'kb.tell_fix',
} as const;

/** A runbook action run's Approve and Reject buttons (their value: the run, through the metadata codec). */
export const RUNBOOK_RUN_ACTIONS = {
  approve: 'runbook_run.approve',
  reject: 'runbook_run.reject',
} as const;

/** The run modal's action picker. */
export const RUNBOOK_RUN_INPUTS = {
  action: { blockId: 'runbook_run.action', actionId: 'runbook_run.action.value' },
} as const;

/** Input blocks of the resolve form. */
export const RESOLVE_INPUTS = {
  fix: { blockId: 'resolve.fix', actionId: 'resolve.fix.value' },
  cause: { blockId: 'resolve.cause', actionId: 'resolve.cause.value' },
  kb: { blockId: 'resolve.kb', actionId: 'resolve.kb.value' },
} as const;

/**
 * Postmortem buttons. `open` (the resolved card's "Postmortem") carries the incident id; `setStatus` is the prefix
 * of each status button's id (`postmortem.set_status.published`…); `editSection`,
 * `setStatus`, `showTimeline` and `addItem` carry `PostmortemButtonValue` (postmortem.blocks.ts); `closeItem`
 * (the action item list, the reminder DM, the postmortem modal) carries the action item's id.
 */
export const POSTMORTEM_ACTIONS = {
  open: 'postmortem.open',
  editSection: 'postmortem.edit_section',
  setStatus: 'postmortem.set_status',
  showTimeline: 'postmortem.show_timeline',
  addItem: 'postmortem.add_item',
  closeItem: 'postmortem.close_item',
} as const;

/** The section modal's part `i` (a section longer than one input is edited in several). */
export const postmortemPartInput = (i: number) =>
  ({ blockId: `postmortem.part.${i}`, actionId: 'postmortem.part.value' }) as const;

/** Inputs of the impact's structured fields and of the action item modal. */
export const POSTMORTEM_INPUTS = {
  usersAffected: { blockId: 'postmortem.users_affected', actionId: 'postmortem.users_affected.value' },
  revenue: { blockId: 'postmortem.revenue', actionId: 'postmortem.revenue.value' },
  itemTitle: { blockId: 'postmortem.item.title', actionId: 'postmortem.item.title.value' },
  itemOwner: { blockId: 'postmortem.item.owner', actionId: 'postmortem.item.owner.value' },
  itemDue: { blockId: 'postmortem.item.due', actionId: 'postmortem.item.due.value' },
} as const;

/**
 * "How you get paged" buttons (the `/oncall contact` modal and App Home). `remove`, `enterCode` and
 * `resendCode` carry a contact method id; `addRuleRow` an urgency.
 */
export const CONTACT_ACTIONS = {
  addPhone: 'contact.add_phone',
  editRules: 'contact.edit_rules',
  testPage: 'contact.test_page',
  remove: 'contact.remove',
  enterCode: 'contact.enter_code',
  resendCode: 'contact.resend_code',
  addRuleRow: 'contact.add_rule_row',
} as const;

/** Input blocks of the add-phone and code modals. */
export const CONTACT_INPUTS = {
  type: { blockId: 'contact.type', actionId: 'contact.type.value' },
  phone: { blockId: 'contact.phone', actionId: 'contact.phone.value' },
  code: { blockId: 'contact.code', actionId: 'contact.code.value' },
} as const;

export const RULE_BLOCK_PREFIX = 'rules.';

/** The rules modal's row `row` of `urgency`: a method select block and a delay block. */
export function ruleInputIds(urgency: 'high' | 'low', row: number) {
  return {
    method: { blockId: `${RULE_BLOCK_PREFIX}${urgency}.${row}.method`, actionId: 'rules.method' },
    delay: { blockId: `${RULE_BLOCK_PREFIX}${urgency}.${row}.delay`, actionId: 'rules.delay' },
  } as const;
}

export const ONCALL_ACTIONS = {
  /** "Add override" on `/oncall <schedule>` and App Home; its value is `OverrideButtonValue` (metadata codec). */
  addOverride: 'oncall.add_override',
} as const;

/** Input blocks of the declare modal: `view.state.values[blockId][actionId]`. */
export const DECLARE_INPUTS = {
  title: { blockId: 'declare.title', actionId: 'declare.title.value' },
  service: { blockId: 'declare.service', actionId: 'declare.service.value' },
  severity: { blockId: 'declare.severity', actionId: 'declare.severity.value' },
  description: { blockId: 'declare.description', actionId: 'declare.description.value' },
} as const;

/** Input block of the note modal. */
export const NOTE_INPUTS = {
  note: { blockId: 'note.text', actionId: 'note.text.value' },
} as const;

/** The merge modal's one input: the incident to merge into (a static select of open incidents). */
export const MERGE_INPUTS = {
  into: { blockId: 'merge.into', actionId: 'merge.into.value' },
} as const;

/** Input blocks of the override modal (start and end are each a datepicker block and a timepicker block). */
export const ONCALL_INPUTS = {
  schedule: { blockId: 'oncall.override.schedule', actionId: 'oncall.override.schedule.value' },
  user: { blockId: 'oncall.override.user', actionId: 'oncall.override.user.value' },
  replaces: { blockId: 'oncall.override.replaces', actionId: 'oncall.override.replaces.value' },
  startDate: { blockId: 'oncall.override.start_date', actionId: 'oncall.override.start_date.value' },
  startTime: { blockId: 'oncall.override.start_time', actionId: 'oncall.override.start_time.value' },
  endDate: { blockId: 'oncall.override.end_date', actionId: 'oncall.override.end_date.value' },
  endTime: { blockId: 'oncall.override.end_time', actionId: 'oncall.override.end_time.value' },
} as const;

export const INCIDENT_ACTIONS_BLOCK_PREFIX = 'incident.actions:';

/** The card's actions block id, carrying the incident id for the `users_select` (which has no value). */
export function incidentActionsBlockId(incidentId: string): string {
  return `${INCIDENT_ACTIONS_BLOCK_PREFIX}${incidentId}`;
}

/** The incident id from an actions block id, or null when the block is not an incident card's. */
export function parseIncidentActionsBlockId(blockId: string): string | null {
  if (!blockId.startsWith(INCIDENT_ACTIONS_BLOCK_PREFIX)) return null;
  const id = blockId.slice(INCIDENT_ACTIONS_BLOCK_PREFIX.length);
  return id.length > 0 ? id : null;
}

/**
 * Runbook buttons: "Show" (the card's runbook line, `/runbook list`; its value is the runbook id) opens the
 * runbook's modal; "Run…" (the card's runbook line; its value is `RunbookButtonValue`, metadata codec) opens the
 * run form of the run pipeline.
 */
export const RUNBOOK_ACTIONS = {
  show: 'runbook_show',
  runOpen: 'runbook_run_open',
} as const;
