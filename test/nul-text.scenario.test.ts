/**
 * PostgreSQL text and jsonb cannot hold U+0000. A sender whose text carries NULs (a binary log line, a tag value,
 * an alert title) must not fail its request — nor, through a shared transaction or the Silver flush, anyone
 * else's: the text is stored with U+FFFD in their place, and the neighbours' data is stored as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, TEST_API_KEY, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  t.clock.set(new Date());
});
afterAll(async () => {
  await t?.close();
});

const NUL = '\u0000';
const auth = { Authorization: `Bearer ${TEST_API_KEY}` };
const nanos = () => `${t.clock.now().getTime()}000000`;
const str = (v: string) => ({ stringValue: v });

function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const logsExport = (service: string, message: string, attributes: { key: string; value: unknown }[]) => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: str(service) }] },
      scopeLogs: [
        {
          logRecords: [
            {
              timeUnixNano: nanos(),
              severityNumber: 17,
              severityText: 'ERROR',
              body: str(message),
              attributes,
            },
          ],
        },
      ],
    },
  ],
});

const metricsExport = (service: string, name: string, tag: string, value: number) => ({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: str(service) }] },
      scopeMetrics: [
        {
          metrics: [
            {
              name,
              gauge: {
                dataPoints: [
                  { timeUnixNano: nanos(), asDouble: value, attributes: [{ key: 'route', value: str(tag) }] },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
});

describe('text with NUL characters', () => {
  it('alerts: stored with U+FFFD; the alerts sent beside them are stored as sent', async () => {
    const [bad, good] = await Promise.all([
      postJson('/api/v1/webhooks/generic', {
        alerts: [
          {
            title: `Disk${NUL}full`,
            service: 'storage',
            dedup_key: `nul-${NUL}-1`,
            severity: 3,
            labels: { [`dev${NUL}`]: `sd${NUL}a` },
          },
        ],
      }),
      postJson('/api/v1/webhooks/generic', {
        alerts: [{ title: 'CPU hot', service: 'compute', dedup_key: 'nul-neighbour', severity: 3 }],
      }),
    ]);
    expect([bad.status, good.status]).toEqual([200, 200]);
    const rows = await t.sql<{ title: string; dedup_key: string; labels: Record<string, string> }>(
      'select title, dedup_key, labels from alerts order by title',
    );
    expect(rows).toEqual([
      { title: 'CPU hot', dedup_key: 'nul-neighbour', labels: {} },
      { title: 'Disk\uFFFDfull', dedup_key: 'nul-\uFFFD-1', labels: { 'dev\uFFFD': 'sd\uFFFDa' } },
    ]);
  });

  it('Bronze: a log record with NULs in its message and attributes is stored with U+FFFD, beside a clean one', async () => {
    const [bad, good] = await Promise.all([
      postJson(
        '/v1/logs',
        logsExport('nul-svc', `boom${NUL}boom`, [{ key: `k${NUL}`, value: str(`v${NUL}`) }]),
      ),
      postJson('/v1/logs', logsExport('clean-svc', 'plain failure', [{ key: 'k', value: str('v') }])),
    ]);
    expect([bad.status, good.status]).toEqual([200, 200]);
    expect(await bad.json()).toEqual({});
    const rows = await t.sql<{ service: string; message: string; context: Record<string, unknown> }>(
      "select service, message, context from log_entries where service in ('nul-svc', 'clean-svc') order by service",
    );
    expect(rows).toEqual([
      { service: 'clean-svc', message: 'plain failure', context: { k: 'v' } },
      { service: 'nul-svc', message: 'boom\uFFFDboom', context: { 'k\uFFFD': 'v\uFFFD' } },
    ]);
  });

  it('Silver: a metric whose name and tag carry NULs is rolled up with U+FFFD; the flush stores every series', async () => {
    const res = await Promise.all([
      postJson('/v1/metrics', metricsExport(`gauge${NUL}svc`, `queue${NUL}depth`, `/a${NUL}`, 7)),
      postJson('/v1/metrics', metricsExport('gauge-svc', 'queue.depth', '/a', 5)),
    ]);
    expect(res.map((r) => r.status)).toEqual([200, 200]);
    t.services.telemetry.flushMetrics();
    await t.services.rollups.flush();
    const rows = await t.sql<{ service: string; name: string; tags: Record<string, string>; sum: number }>(
      `select service, name, tags, sum from metric_rollups
       where step = 'minute' and not all_tags and service like 'gauge%' order by service`,
    );
    expect(rows).toEqual([
      { service: 'gauge-svc', name: 'queue.depth', tags: { route: '/a' }, sum: 5 },
      { service: 'gauge\uFFFDsvc', name: 'queue\uFFFDdepth', tags: { route: '/a\uFFFD' }, sum: 7 },
    ]);
  });
});
