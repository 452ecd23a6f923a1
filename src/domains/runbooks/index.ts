export {
  ACTION_NAME,
  type ActionTarget,
  actionsProblems,
  actionTargetSchema,
  allowedNamespaces,
  type HttpTarget,
  httpTargetSchema,
  type KubernetesTarget,
  kubernetesTargetSchema,
  type RemediationPolicy,
  type RunbookAction,
  type RunbookActionInput,
  remediationPolicySchema,
  runbookActionSchema,
} from './actions.types.js';
export {
  type AttachAlert,
  type AttachReason,
  type AttachRunbook,
  attachmentsFor,
  urlNamesRunbook,
} from './attach.calc.js';
export { fieldChanges, markdownDiff, sameContent } from './diff.calc.js';
export { type RunbooksDeps, RunbooksService } from './runbooks.service.js';
export * from './runbooks.types.js';
export {
  INCIDENT_TEMPLATE_FIELDS,
  isKnownTemplateField,
  jsonStringEscape,
  renderTemplate,
  type TemplateFields,
  templateFieldsOf,
  unknownTemplateFields,
} from './template.calc.js';
export { RUNBOOK_TEMPLATES } from './templates.js';
