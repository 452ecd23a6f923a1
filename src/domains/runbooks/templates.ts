/**
 * Starting points shipped with OpsWatch (`GET /api/v1/runbooks/templates`): Markdown with the six sections
 * (Symptoms, Immediate checks, Automated actions, Manual remediation, Escalation, Links) and example actions with
 * cautious policies. Copy one, adapt the names, URLs and namespaces, and POST it.
 */
import { type RunbookActionInput, runbookActionSchema } from './actions.types.js';
import type { RunbookTemplateDto } from './runbooks.types.js';

interface Spec {
  key: string;
  name: string;
  matchers: string;
  symptoms: string[];
  checks: string[];
  remediation: string[];
  escalation: string;
  links: [string, string][];
  code?: string;
  actions: RunbookActionInput[];
}

const restart = (deployment: string): RunbookActionInput => ({
  name: 'restart',
  title: `Restart ${deployment}`,
  target: { kind: 'kubernetes', operation: 'rollout_restart', namespace: 'default', deployment },
  policy: { approval: 'one', maxPerHour: 2, verifyMinutes: 10 },
});

const SPECS: Spec[] = [
  {
    key: 'high-error-rate',
    name: 'High error rate',
    matchers: 'alertname=HighErrorRate',
    symptoms: [
      'The share of 5xx answers is above the SLO threshold',
      'Users see errors at checkout or login',
    ],
    checks: [
      'Was there a deploy in the last hour? Compare the error rate before and after it',
      'Are the errors from one instance or all of them? (`instance` label)',
      'Is a dependency (database, payment provider) failing?',
    ],
    remediation: ['Roll back the last deploy', 'Take a misbehaving instance out of the load balancer'],
    escalation: 'Page the service owner after 15 minutes without improvement.',
    links: [['Dashboard', 'https://grafana.example.com/d/errors']],
    code: 'kubectl rollout undo deployment/web -n default',
    actions: [
      {
        name: 'rollback',
        title: 'Roll back the last deploy (CI pipeline)',
        target: {
          kind: 'http',
          method: 'POST',
          url: 'https://ci.example.com/api/pipelines/rollback',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: `${env:NAME}` is read from the environment at run time
          headers: { Authorization: 'Bearer ${env:CI_TOKEN}' },
          body: '{"service":"{{incident.service}}","reason":"{{incident.ref}}: {{incident.title}}"}',
        },
        policy: { approval: 'two', maxPerHour: 1, environments: ['production'] },
      },
    ],
  },
  {
    key: 'high-latency',
    name: 'High latency',
    matchers: 'alertname=~"HighLatency|SlowRequests"',
    symptoms: ['p99 latency above its threshold', 'Timeouts in upstream services'],
    checks: ['CPU and memory saturation of the pods', 'Slow queries in the database', 'Queue depths'],
    remediation: ['Scale out the deployment', 'Find and kill the slow queries'],
    escalation: 'Page the database on-call when the database is the cause.',
    links: [['Latency dashboard', 'https://grafana.example.com/d/latency']],
    actions: [
      {
        name: 'scale-out',
        title: 'Scale web to 6 replicas',
        target: {
          kind: 'kubernetes',
          operation: 'scale',
          namespace: 'default',
          deployment: 'web',
          replicas: 6,
          maxReplicas: 10,
        },
        policy: { approval: 'one', maxPerHour: 2 },
        rollback: 'scale-back',
      },
      {
        name: 'scale-back',
        title: 'Scale web back to 3 replicas',
        target: {
          kind: 'kubernetes',
          operation: 'scale',
          namespace: 'default',
          deployment: 'web',
          replicas: 3,
          maxReplicas: 10,
        },
        policy: { approval: 'one', maxPerHour: 2, idempotent: true },
      },
    ],
  },
  {
    key: 'disk-full',
    name: 'Disk full',
    matchers: 'alertname=~"DiskFull|NodeFilesystemAlmostOutOfSpace"',
    symptoms: ['A filesystem is above 90% full', 'Writes fail with "No space left on device"'],
    checks: [
      'Which directory grew (`du -xh / | sort -h | tail`)',
      'Are logs rotated?',
      'Old core dumps or temporary files',
    ],
    remediation: ['Delete or compress old logs', 'Grow the volume'],
    escalation: 'Page the platform team when the volume cannot be grown.',
    links: [['Node dashboard', 'https://grafana.example.com/d/node']],
    code: 'journalctl --vacuum-size=500M',
    actions: [
      {
        name: 'clean-logs',
        title: 'Clean old logs (automation API)',
        target: {
          kind: 'http',
          method: 'POST',
          url: 'https://automation.example.com/api/jobs/clean-logs/run',
          body: '{"host":"{{labels.instance}}"}',
        },
        policy: { approval: 'none', auto: true, maxPerHour: 1, idempotent: true },
      },
    ],
  },
  {
    key: 'certificate-expiry',
    name: 'Certificate expiry',
    matchers: 'alertname=~"CertificateExpiry|SSLCertExpiringSoon"',
    symptoms: ['A TLS certificate expires within 14 days'],
    checks: [
      'Which host and certificate (`instance` label)',
      'Is automatic renewal (cert-manager, ACME) running?',
    ],
    remediation: ['Trigger the renewal', 'Replace the certificate by hand and reload the server'],
    escalation: 'Page the security on-call when it expires within 48 hours.',
    links: [['Certificates', 'https://grafana.example.com/d/certs']],
    code: 'kubectl get certificates -A',
    actions: [restart('cert-manager')],
  },
  {
    key: 'pod-crash-loop',
    name: 'Pod crash loop',
    matchers: 'alertname=KubePodCrashLooping',
    symptoms: ['A pod restarts again and again (CrashLoopBackOff)'],
    checks: [
      '`kubectl logs --previous` of the pod',
      'Recent config or image changes',
      'OOMKilled in `kubectl describe pod`',
    ],
    remediation: ['Roll back the image or the config', 'Raise the memory limit when it is OOMKilled'],
    escalation: 'Page the owning team when it is their deployment.',
    links: [['Kubernetes dashboard', 'https://grafana.example.com/d/k8s']],
    code: 'kubectl logs deploy/web --previous -n default',
    actions: [restart('web')],
  },
];

const list = (xs: readonly string[]) => xs.map((x) => `- ${x}`).join('\n');

function markdownOf(s: Spec, actions: RunbookTemplateDto['actions']): string {
  return [
    `# ${s.name}`,
    `## Symptoms\n\n${list(s.symptoms)}`,
    `## Immediate checks\n\n${s.checks.map((c, i) => `${i + 1}. ${c}`).join('\n')}`,
    `## Automated actions\n\n${list(actions.map((a) => `**${a.title}** (\`${a.name}\`, approval: ${a.policy.approval})`))}`,
    `## Manual remediation\n\n${list(s.remediation)}${s.code ? `\n\n\`\`\`sh\n${s.code}\n\`\`\`` : ''}`,
    `## Escalation\n\n${s.escalation}`,
    `## Links\n\n${list(s.links.map(([t, u]) => `[${t}](${u})`))}`,
  ].join('\n\n');
}

export const RUNBOOK_TEMPLATES: RunbookTemplateDto[] = SPECS.map((s) => {
  const actions = s.actions.map((a) => runbookActionSchema.parse(a));
  return {
    key: s.key,
    name: s.name,
    slug: s.key,
    matchers: s.matchers,
    markdown: `${markdownOf(s, actions)}\n`,
    actions,
  };
});
