/** The action and policy schemas and templates are the runbooks domain's; runs read them through here. */
export {
  type ActionTarget,
  allowedNamespaces,
  type HttpTarget,
  jsonStringEscape,
  type KubernetesTarget,
  type RemediationPolicy,
  type RunbookAction,
  renderTemplate,
  runbookActionSchema,
  type TemplateFields,
} from '../runbooks/index.js';
