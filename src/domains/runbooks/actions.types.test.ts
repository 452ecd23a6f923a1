import { describe, expect, it } from '@jest/globals';
import {
  actionsProblems,
  allowedNamespaces,
  type RunbookAction,
  runbookActionSchema,
} from './actions.types.js';

const issues = (input: unknown) =>
  runbookActionSchema.safeParse(input).error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

describe('runbook actions', () => {
  it('fills the policy defaults', () => {
    const a = runbookActionSchema.parse({
      name: 'restart',
      title: 'Restart',
      target: { kind: 'kubernetes', operation: 'rollout_restart', namespace: 'default', deployment: 'web' },
    });
    expect(a.policy).toEqual({
      approval: 'one',
      approvers: { roles: [], onCall: true },
      maxPerHour: 3,
      environments: [],
      auto: false,
      idempotent: false,
      timeoutSeconds: 30,
      verifyMinutes: 10,
      approvalExpiresMinutes: 30,
    });
    expect(a.target).toMatchObject({ maxReplicas: 10 });
  });

  it('names the field at fault', () => {
    expect(
      issues({
        name: 'Bad Name',
        title: 'x',
        target: { kind: 'http', url: 'ftp://example.com', body: '{{incident.nope}}' },
        policy: { auto: true },
      }),
    ).toEqual([
      ['name', expect.stringContaining('lowercase')],
      ['target.url', 'url must be http(s)'],
      ['target.body', expect.stringContaining('unknown template field: incident.nope')],
      ['policy.auto', "auto is only allowed with approval 'none'"],
    ]);
    expect(
      issues({
        name: 'scale',
        title: 'x',
        target: {
          kind: 'kubernetes',
          operation: 'scale',
          namespace: 'default',
          deployment: 'd',
          replicas: 11,
        },
      }),
    ).toEqual([['target.replicas', 'replicas must be at most maxReplicas (10)']]);
    expect(
      issues({
        name: 'scale',
        title: 'x',
        target: { kind: 'kubernetes', operation: 'scale', namespace: 'default', deployment: 'd' },
      }),
    ).toEqual([['target.replicas', 'scale needs replicas']]);
    expect(
      issues({
        name: 'a',
        title: 'x',
        policy: { approval: 'none', auto: true },
        target: { kind: 'http', url: 'https://x.example' },
      }),
    ).toEqual([]);
  });

  it('checks the list: duplicates, rollbacks, namespaces', () => {
    const http = (name: string, rollback?: string): RunbookAction =>
      runbookActionSchema.parse({
        name,
        title: name,
        target: { kind: 'http', url: 'https://x.example' },
        rollback,
      });
    const k8s = runbookActionSchema.parse({
      name: 'restart',
      title: 'Restart',
      target: {
        kind: 'kubernetes',
        operation: 'rollout_restart',
        namespace: 'kube-system',
        deployment: 'dns',
      },
    });
    expect(actionsProblems([http('a', 'b'), http('b'), http('a'), http('c', 'c'), k8s], ['default'])).toEqual(
      [
        { field: 'actions.2.name', message: 'duplicate action name "a"' },
        { field: 'actions.3.rollback', message: expect.stringContaining('"c"') },
        {
          field: 'actions.4.target.namespace',
          message: expect.stringContaining('"kube-system" is not allowed'),
        },
      ],
    );
    expect(
      actionsProblems([k8s], allowedNamespaces({ KUBERNETES_ALLOWED_NAMESPACES: 'default, kube-system' })),
    ).toEqual([]);
    expect(allowedNamespaces({})).toEqual(['default']);
  });
});
