import { z } from 'zod';
import { unknownTemplateFields } from './template.calc.js';

/** The safety policy of one action (RemediationPolicy). */
export const remediationPolicySchema = z
  .object({
    /** `two` = two different people, neither the requester. */
    approval: z.enum(['none', 'one', 'two']).default('one'),
    /** Role names from the permission matrix, or whoever is on call for the incident's service. */
    approvers: z
      .object({ roles: z.array(z.string()).default([]), onCall: z.boolean().default(true) })
      .default({ roles: [], onCall: true }),
    /** Per action and service. */
    maxPerHour: z.number().int().min(1).max(1000).default(3),
    /** Empty = any environment. */
    environments: z.array(z.string()).default([]),
    /** Runs without a person when an incident it is attached to triggers; only with approval `none`. */
    auto: z.boolean().default(false),
    /** Only idempotent actions are ever retried. */
    idempotent: z.boolean().default(false),
    timeoutSeconds: z.number().int().min(1).max(600).default(30),
    verifyMinutes: z.number().int().min(0).max(240).default(10),
    approvalExpiresMinutes: z.number().int().min(1).max(1440).default(30),
  })
  .refine((p) => !p.auto || p.approval === 'none', {
    path: ['auto'],
    message: "auto is only allowed with approval 'none'",
  });
export type RemediationPolicy = z.infer<typeof remediationPolicySchema>;

const httpUrl = z
  .string()
  .min(1, 'url must be http(s)')
  .max(2048)
  .refine((s) => /^https?:\/\//i.test(s) && URL.canParse(s), 'url must be http(s)');

const templateText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const unknown = unknownTemplateFields(s);
      if (unknown.length)
        ctx.addIssue({
          code: 'custom',
          message: `unknown template field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (known: incident.ref, incident.id, incident.title, incident.severity, incident.service, incident.environment, incident.status, labels.NAME, annotations.NAME)`,
        });
    });

export const httpTargetSchema = z.object({
  kind: z.literal('http'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  url: httpUrl,
  /** A value may be `${env:NAME}`: read from the environment at run time, never stored resolved. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Template with incident fields (see template.calc.ts). */
  body: templateText(64_000).optional(),
  /** Optional verify check. */
  check: z
    .object({
      url: httpUrl,
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
      expectStatus: z.number().int().min(100).max(599).optional(),
    })
    .optional(),
});

export const kubernetesTargetSchema = z
  .object({
    kind: z.literal('kubernetes'),
    operation: z.enum(['rollout_restart', 'scale']),
    namespace: z.string().min(1).max(253),
    deployment: z.string().min(1).max(253),
    replicas: z.number().int().min(0).optional(),
    maxReplicas: z.number().int().min(1).max(100).default(10),
  })
  .superRefine((t, ctx) => {
    if (t.operation !== 'scale') return;
    if (t.replicas === undefined)
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'scale needs replicas' });
    else if (t.replicas > t.maxReplicas)
      ctx.addIssue({
        code: 'custom',
        path: ['replicas'],
        message: `replicas must be at most maxReplicas (${t.maxReplicas})`,
      });
  });

export const actionTargetSchema = z.discriminatedUnion('kind', [httpTargetSchema, kubernetesTargetSchema]);
export type ActionTarget = z.infer<typeof actionTargetSchema>;
export type HttpTarget = z.infer<typeof httpTargetSchema>;
export type KubernetesTarget = z.infer<typeof kubernetesTargetSchema>;

export const ACTION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const runbookActionSchema = z.object({
  name: z
    .string()
    .regex(ACTION_NAME, 'lowercase letters, digits and dashes (at most 63), starting with a letter or digit'),
  title: z.string().min(1).max(150),
  target: actionTargetSchema,
  policy: remediationPolicySchema.prefault({}),
  /** Name of another action of the same runbook, run when verify fails. */
  rollback: z.string().optional(),
});
export type RunbookAction = z.infer<typeof runbookActionSchema>;
export type RunbookActionInput = z.input<typeof runbookActionSchema>;

/** The namespaces Kubernetes actions may target: `KUBERNETES_ALLOWED_NAMESPACES` (comma list), default `default`. */
export function allowedNamespaces(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const list = (env.KUBERNETES_ALLOWED_NAMESPACES ?? 'default')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : ['default'];
}

/**
 * What is wrong with a runbook's list of actions as a whole (field paths under `actions`): duplicate names, a
 * rollback naming a missing action (or itself), a Kubernetes namespace outside the allowed ones.
 */
export function actionsProblems(
  actions: readonly RunbookAction[],
  namespaces: readonly string[],
): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  const names = new Set(actions.map((a) => a.name));
  actions.forEach((a, i) => {
    if (seen.has(a.name))
      out.push({ field: `actions.${i}.name`, message: `duplicate action name "${a.name}"` });
    seen.add(a.name);
    if (a.rollback !== undefined && (!names.has(a.rollback) || a.rollback === a.name))
      out.push({
        field: `actions.${i}.rollback`,
        message: `rollback names "${a.rollback}", which is not another action of this runbook`,
      });
    if (a.target.kind === 'kubernetes' && !namespaces.includes(a.target.namespace))
      out.push({
        field: `actions.${i}.target.namespace`,
        message: `namespace "${a.target.namespace}" is not allowed (KUBERNETES_ALLOWED_NAMESPACES: ${namespaces.join(', ')})`,
      });
  });
  return out;
}
