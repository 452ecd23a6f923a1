import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Kubernetes API server fake at the HTTP level, for the real @kubernetes/client-node: deployments' read, merge
 * and strategic-merge patches of a deployment, and the scale subresource's read and patch, honouring
 * `dryRun=All` (validated and answered, nothing stored). Every call is recorded; a call it does not know, or
 * without the kubeconfig's bearer token, fails the test that made it (401/404 and recorded as `unexpected`).
 */
export interface KubeCall {
  method: string;
  path: string;
  dryRun: string | null;
  contentType: string | null;
  body: unknown;
}

export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: { name: string; namespace: string; resourceVersion: string; generation: number };
  spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> }; spec: unknown } };
}

export interface FakeKubernetes {
  url: string;
  /** A kubeconfig file pointing at the fake (current context, bearer token). */
  kubeconfig: string;
  calls: KubeCall[];
  unexpected: string[];
  deployment(namespace: string, name: string): Deployment | undefined;
  addDeployment(namespace: string, name: string, replicas: number): void;
  close(): Promise<void>;
}

const TOKEN = 'fake-kube-token';
const DEPLOYMENT = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/;

/** JSON merge patch (RFC 7386). */
function merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => {
      s += c.toString('utf8');
    });
    req.on('end', () => resolve(s));
  });

function status(res: ServerResponse, code: number, reason: string, message: string) {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }));
}

export async function startFakeKubernetes(): Promise<FakeKubernetes> {
  const deployments = new Map<string, Deployment>();
  const calls: KubeCall[] = [];
  const unexpected: string[] = [];
  const key = (ns: string, name: string) => `${ns}/${name}`;
  const scaleOf = (d: Deployment) => ({
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: d.metadata.name, namespace: d.metadata.namespace },
    spec: { replicas: d.spec.replicas },
    status: { replicas: d.spec.replicas },
  });

  const server: Server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://fake');
    const text = await readBody(req);
    const call: KubeCall = {
      method: req.method ?? '',
      path: u.pathname,
      dryRun: u.searchParams.get('dryRun'),
      contentType: req.headers['content-type'] ?? null,
      body: text ? (JSON.parse(text) as unknown) : null,
    };
    calls.push(call);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      unexpected.push(`${call.method} ${call.path} without the token`);
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const m = DEPLOYMENT.exec(u.pathname);
    if (!m) {
      unexpected.push(`${call.method} ${call.path}`);
      return status(res, 404, 'NotFound', `the server could not find the requested resource`);
    }
    const [, ns, name, scale] = m as unknown as [string, string, string, string | undefined];
    const d = deployments.get(key(ns, name));
    if (!d) return status(res, 404, 'NotFound', `deployments.apps "${name}" not found`);
    if (call.dryRun !== null && call.dryRun !== 'All')
      return status(res, 400, 'BadRequest', `dryRun must be All, not ${call.dryRun}`);
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(scale ? scaleOf(d) : d));
    }
    if (req.method !== 'PATCH') {
      unexpected.push(`${call.method} ${call.path}`);
      return status(res, 405, 'MethodNotAllowed', 'method not allowed');
    }
    if (
      call.contentType !== 'application/merge-patch+json' &&
      call.contentType !== 'application/strategic-merge-patch+json'
    ) {
      unexpected.push(`${call.method} ${call.path} as ${call.contentType}`);
      return status(res, 415, 'UnsupportedMediaType', `unsupported patch type ${call.contentType}`);
    }
    const next = structuredClone(d);
    if (scale) {
      const replicas = (call.body as { spec?: { replicas?: unknown } })?.spec?.replicas;
      if (typeof replicas !== 'number' || replicas < 0)
        return status(res, 422, 'Invalid', 'spec.replicas: Invalid value');
      next.spec.replicas = replicas;
    } else {
      Object.assign(next, merge(next, call.body) as Deployment);
    }
    next.metadata.generation = d.metadata.generation + 1;
    next.metadata.resourceVersion = String(Number(d.metadata.resourceVersion) + 1);
    if (call.dryRun !== 'All') deployments.set(key(ns, name), next);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(scale ? scaleOf(next) : next));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'opswatch-kube-'));
  const kubeconfig = join(dir, 'kubeconfig.json');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'opswatch', user: { token: TOKEN } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'opswatch', namespace: 'default' } }],
      'current-context': 'fake',
    }),
  );
  return {
    url,
    kubeconfig,
    calls,
    unexpected,
    deployment: (ns, name) => deployments.get(key(ns, name)),
    addDeployment(ns, name, replicas) {
      deployments.set(key(ns, name), {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, resourceVersion: '1', generation: 1 },
        spec: { replicas, template: { metadata: {}, spec: { containers: [{ name, image: `${name}:1` }] } } },
      });
    },
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}
