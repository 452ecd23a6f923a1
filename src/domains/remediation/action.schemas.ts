/**
 * A local copy of the runbooks domain's action and policy schemas (src/domains/runbooks/actions.types.ts),
 * kept until that domain is merged; then this file re-exports it instead.
 */
import { z } from 'zod';

export const remediationPolicySchema = z.object({
  approval: z.enum(['none', 'one', 'two']).default('one'),
  approvers: z
    .object({ roles: z.array(z.string()).default([]), onCall: z.boolean().default(true) })
    .default({ roles: [], onCall: true }),
  maxPerHour: z.number().int().min(1).max(1000).default(3),
  environments: z.array(z.string()).default([]),
  auto: z.boolean().default(false),
  idempotent: z.boolean().default(false),
  timeoutSeconds: z.number().int().min(1).max(600).default(30),
  verifyMinutes: z.number().int().min(0).max(240).default(10),
  approvalExpiresMinutes: z.number().int().min(1).max(1440).default(30),
});
export type RemediationPolicy = z.output<typeof remediationPolicySchema>;

const httpTarget = z.object({
  kind: z.literal('http'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().max(20_000).optional(),
  check: z
    .object({
      url: z.url({ protocol: /^https?$/ }),
      method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
      expectStatus: z.number().int().min(100).max(599).optional(),
    })
    .optional(),
});

const kubernetesTarget = z.object({
  kind: z.literal('kubernetes'),
  operation: z.enum(['rollout_restart', 'scale']),
  namespace: z.string().min(1).max(253),
  deployment: z.string().min(1).max(253),
  replicas: z.number().int().min(0).optional(),
  maxReplicas: z.number().int().min(0).max(1000).default(10),
});

export const actionTargetSchema = z.discriminatedUnion('kind', [httpTarget, kubernetesTarget]);
export type ActionTarget = z.output<typeof actionTargetSchema>;
export type HttpTarget = z.output<typeof httpTarget>;
export type KubernetesTarget = z.output<typeof kubernetesTarget>;

export const runbookActionSchema = z.object({
  name: z.string().min(1).max(100),
  title: z.string().min(1).max(200),
  target: actionTargetSchema,
  policy: remediationPolicySchema.default(remediationPolicySchema.parse({})),
  rollback: z.string().min(1).max(100).optional(),
});
export type RunbookAction = z.output<typeof runbookActionSchema>;

/** Fills `{{incident.ref}}`, `{{labels.instance}}`… from `fields`; an unknown field renders as empty. */
export function renderTemplate(template: string, fields: Record<string, string>): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_m, name: string) => fields[name] ?? '');
}

/** The fields a template names. */
export function templateFieldsOf(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)].map((m) => m[1]!);
}
