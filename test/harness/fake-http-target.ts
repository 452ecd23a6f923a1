import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP target for `http` runbook actions (a CI pipeline, Rundeck…): answers `status` (2xx, 5xx), or never
 * answers (`hang`, to time a run out); `checkStatus` is what its check URL (`/health`) answers. Every request is
 * recorded with its headers and body.
 */
export interface TargetRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FakeHttpTarget {
  url: string;
  requests: TargetRequest[];
  /** Requests to the action's path (not the check's). */
  actions(): TargetRequest[];
  set(o: { status?: number; hang?: boolean; checkStatus?: number }): void;
  close(): Promise<void>;
}

export async function startFakeHttpTarget(): Promise<FakeHttpTarget> {
  const state = { status: 200, hang: false, checkStatus: 503 };
  const requests: TargetRequest[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      if (path === '/health') {
        res.writeHead(state.checkStatus).end();
        return;
      }
      if (state.hang) {
        hanging.add(res);
        return;
      }
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: state.status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    actions: () => requests.filter((r) => r.path !== '/health'),
    set(o) {
      Object.assign(state, o);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
