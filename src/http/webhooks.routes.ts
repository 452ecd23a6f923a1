import { OpenAPIHono } from '@hono/zod-openapi';
import { isUnavailable } from '../db/tx.js';
import type { IngestResult, NormalizedAlert } from '../domains/alerts/index.js';
import type { Actor } from '../shared/actor.js';
import { isAppError } from '../shared/errors.js';
import { readJson } from './body.js';
import type { AppEnv, HttpDeps } from './context.js';
import { requireApiKey } from './middleware/auth.middleware.js';
import { serve } from './openapi/serve.js';
import { parseAlertmanager } from './sources/alertmanager.source.js';
import { parseGeneric } from './sources/generic.source.js';
import { parseGrafana } from './sources/grafana.source.js';
import { parsePagerDuty } from './sources/pagerduty.source.js';
import { enqueueRoute, INGEST_ROUTES } from './webhooks.openapi.js';

type Parser = (body: unknown) => NormalizedAlert[];
type IngestSource = keyof typeof INGEST_ROUTES;

const SOURCE_NAMES: Record<string, string> = {
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  generic: 'Generic webhook',
  pagerduty: 'PagerDuty Events v2',
};

function integrationActor(actor: Actor, source: string): Actor {
  return {
    ...actor,
    kind: 'integration',
    name: `${SOURCE_NAMES[source] ?? source} (${actor.name})`,
    source: 'webhook',
  };
}

async function ingest(
  deps: HttpDeps,
  actor: Actor,
  source: string,
  alerts: NormalizedAlert[],
): Promise<IngestResult> {
  deps.metrics.alertsReceived.inc({ source }, alerts.length);
  const result = await deps.services.alerts.ingest(integrationActor(actor, source), alerts);
  if (result.deduplicated) deps.metrics.alertsDeduplicated.inc({ source }, result.deduplicated);
  return result;
}

/** Webhook receivers: authenticate, parse with the source's schema, commit, then answer. */
export function webhookRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const sources: [IngestSource, Parser][] = [
    ['alertmanager', parseAlertmanager],
    ['grafana', parseGrafana],
    ['generic', parseGeneric],
  ];
  for (const [source, parse] of sources) {
    serve(app, { ...INGEST_ROUTES[source], middleware: requireApiKey(deps.services) }, async (c) => {
      const stop = deps.metrics.webhookDuration.startTimer({ source });
      try {
        const alerts = parse(await readJson(c));
        const result = await ingest(deps, c.get('actor'), source, alerts);
        return c.json({ status: 'ok', ...result }, 200);
      } finally {
        stop();
      }
    });
  }

  // PagerDuty Events API v2: the routing key in the body is the credential; answers are in PagerDuty's shape.
  serve(app, enqueueRoute, async (c) => {
    const stop = deps.metrics.webhookDuration.startTimer({ source: 'pagerduty' });
    try {
      let parsed: ReturnType<typeof parsePagerDuty>;
      try {
        parsed = parsePagerDuty(await readJson(c));
      } catch (err) {
        if (isAppError(err) && err.code === 'validation') {
          return c.json(
            {
              status: 'invalid event',
              message: 'Event object is invalid',
              errors: err.fields.map((f) => f.message),
            },
            400,
          );
        }
        throw err;
      }
      const actor = await deps.services.tenants.authenticate(parsed.routingKey);
      if (!actor) {
        return c.json(
          {
            status: 'invalid event',
            message: 'Routing key is not valid',
            errors: ['routing_key: unknown or revoked key'],
          },
          400,
        );
      }
      await ingest(deps, actor, 'pagerduty', [parsed.alert]);
      return c.json({ status: 'success', message: 'Event processed', dedup_key: parsed.alert.dedupKey }, 202);
    } catch (err) {
      if (isUnavailable(err)) {
        const message = 'The database is unavailable; try again shortly.';
        return c.json({ status: 'error', message }, 503, { 'retry-after': '5' });
      }
      if (isAppError(err) && err.code === 'forbidden') {
        return c.json(
          { status: 'invalid event', message: err.message, errors: ['routing_key: not allowed'] },
          403,
        );
      }
      throw err;
    } finally {
      stop();
    }
  });
  return app;
}
