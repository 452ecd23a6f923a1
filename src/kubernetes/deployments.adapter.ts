import type { AppsV1Api, ConfigurationOptions } from '@kubernetes/client-node';
import type { KubernetesTarget } from '../domains/remediation/index.js';
import { type ActionAdapter, ActionFailure, withTimeout } from '../domains/remediation/index.js';

/** Where the Kubernetes API is: a kubeconfig file, else the pod's in-cluster service account. */
export interface KubernetesOptions {
  /** OPSWATCH_KUBECONFIG, else KUBECONFIG: a kubeconfig file (its current context). Unset: in-cluster. */
  kubeconfig?: string | undefined;
  /** The namespaces actions may touch (the runbooks domain's `allowedNamespaces`, KUBERNETES_ALLOWED_NAMESPACES). */
  namespaces?: readonly string[];
}

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** A person-readable reason from the client's error (an ApiException carries the API server's Status). */
function reason(err: unknown): ActionFailure {
  if (err instanceof ActionFailure) return err;
  const e = err as { code?: number; body?: unknown; message?: string };
  let message = e.message ?? String(err);
  if (typeof e.body === 'string') {
    try {
      message = (JSON.parse(e.body) as { message?: string }).message ?? message;
    } catch {
      /* not a Status */
    }
  }
  return new ActionFailure(
    e.code ? `the Kubernetes API answered ${e.code}: ${message}` : `the Kubernetes API failed: ${message}`,
    typeof e.code === 'number' && e.code < 500,
  );
}

/**
 * `kubernetes`: `rollout_restart` (what `kubectl rollout restart` does: the pod template's restartedAt
 * annotation set to now, by a merge patch) and `scale` (the deployment's scale subresource, bounded by
 * `maxReplicas`), through the official client. Preflight reads the deployment and sends the same patch with
 * the API server's `dryRun=All`: admission and validation run, nothing is stored.
 */
export function kubernetesAdapter(o: KubernetesOptions = {}): ActionAdapter<'kubernetes'> {
  // The client (about 40 MiB once loaded) is imported on first use: most OpsWatch processes never run an action.
  let loaded: Promise<{ api: AppsV1Api; mergePatch: ConfigurationOptions }> | null = null;
  const load = async () => {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
    else kc.loadFromCluster();
    return {
      api: kc.makeApiClient(k8s.AppsV1Api),
      mergePatch: k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    };
  };
  const client = () => {
    loaded ??= load().catch((err) => {
      loaded = null;
      throw err;
    });
    return loaded;
  };

  const patch = async (t: KubernetesTarget, now: Date, dryRun: boolean): Promise<string> => {
    const { namespace, deployment: name } = t;
    const dry = dryRun ? { dryRun: 'All' } : {};
    if (t.operation === 'scale') {
      const replicas = t.replicas ?? 0;
      if (replicas > t.maxReplicas)
        throw new ActionFailure(`scaling to ${replicas} is more than maxReplicas (${t.maxReplicas})`, true);
      const { api, mergePatch } = await client();
      await api.patchNamespacedDeploymentScale(
        { namespace, name, body: { spec: { replicas } }, ...dry },
        mergePatch,
      );
      return `${dryRun ? 'would scale' : 'scaled'} ${namespace}/${name} to ${replicas}`;
    }
    const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: now.toISOString() } } } } };
    const { api, mergePatch } = await client();
    await api.patchNamespacedDeployment({ namespace, name, body, ...dry }, mergePatch);
    return `${dryRun ? 'would restart' : 'restarted'} ${namespace}/${name}`;
  };

  const allowed = (t: KubernetesTarget) => {
    if (o.namespaces?.length && !o.namespaces.includes(t.namespace))
      throw new ActionFailure(`namespace ${t.namespace} is not one actions may touch`, true);
  };

  return {
    kind: 'kubernetes',
    async preflight(t, ctx) {
      allowed(t);
      try {
        const { api } = await client();
        const d = await api.readNamespacedDeployment({ namespace: t.namespace, name: t.deployment });
        const was = d.spec?.replicas ?? 0;
        const did = await patch(t, ctx.now, true);
        return `${did} (now ${was} ${was === 1 ? 'replica' : 'replicas'}; dry run accepted)`;
      } catch (err) {
        throw reason(err);
      }
    },
    async execute(t, ctx, { timeoutMs }) {
      allowed(t);
      try {
        return await withTimeout(patch(t, ctx.now, false), timeoutMs, 'the Kubernetes API');
      } catch (err) {
        throw reason(err);
      }
    },
  };
}
