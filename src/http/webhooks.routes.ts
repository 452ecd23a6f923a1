import { OpenAPIHono } from '@hono/zod-openapi';
import { isUnavailable } from '../db/tx.js';
import {
  type IngestResult,
  type NormalizedAlert,
  pagerDutyErrorBody,
  type WebhookSource,
  webhookSource,
} from '../domains/alerts/index.js';
import type { Actor } from '../shared/actor.js';
import { isAppError } from '../shared/errors.js';
import { readJson } from './body.js';
import type { AppEnv, HttpDeps } from './context.js';
import { requireApiKey } from './middleware/auth.middleware.js';
import { serve } from './openapi/serve.js';
import { enqueueRoute, INGEST_ROUTES } from './webhooks.openapi.js';

/** The registry's source of a route's name (the routes and the registry name the same four sources). */
function sourceNamed(name: string): WebhookSource {
  const source = webhookSource(name);
  if (!source) throw new Error(`no webhook source named ${name}`);
  return source;
}

function integrationActor(actor: Actor, source: WebhookSource): Actor {
  return { ...actor, kind: 'integration', name: `${source.label} (${actor.name})`, source: 'webhook' };
}

async function ingest(
  deps: HttpDeps,
  actor: Actor,
  source: WebhookSource,
  alerts: NormalizedAlert[],
): Promise<IngestResult> {
  const labels = { source: source.name };
  deps.metrics.alertsReceived.inc(labels, alerts.length);
  const result = await deps.services.alerts.ingest(integrationActor(actor, source), alerts);
  if (result.deduplicated) deps.metrics.alertsDeduplicated.inc(labels, result.deduplicated);
  if (result.silenced) deps.metrics.alertsSilenced.inc(labels, result.silenced);
  return result;
}

/** Webhook receivers: authenticate, parse with the source's schema, commit, then answer. */
export function webhookRoutes(deps: HttpDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  for (const [name, route] of Object.entries(INGEST_ROUTES)) {
    const source = sourceNamed(name);
    serve(app, { ...route, middleware: requireApiKey(deps.services) }, async (c) => {
      const stop = deps.metrics.webhookDuration.startTimer({ source: source.name });
      try {
        const { alerts } = source.parse(await readJson(c));
        const result = await ingest(deps, c.get('actor'), source, alerts);
        return c.json({ status: 'ok', ...result }, 200);
      } finally {
        stop();
      }
    });
  }

  // PagerDuty Events API v2: the routing key in the body is the credential; answers are in PagerDuty's shape.
  const pagerDuty = sourceNamed('pagerduty');
  serve(app, enqueueRoute, async (c) => {
    const stop = deps.metrics.webhookDuration.startTimer({ source: pagerDuty.name });
    try {
      let parsed: ReturnType<WebhookSource['parse']>;
      try {
        parsed = pagerDuty.parse(await readJson(c));
      } catch (err) {
        if (isAppError(err) && err.code === 'validation') return c.json(pagerDutyErrorBody(err), 400);
        throw err;
      }
      const actor = parsed.routingKey ? await deps.services.tenants.authenticate(parsed.routingKey) : null;
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
      await ingest(deps, actor, pagerDuty, parsed.alerts);
      const dedupKey = parsed.alerts[0]?.dedupKey ?? '';
      return c.json({ status: 'success', message: 'Event processed', dedup_key: dedupKey }, 202);
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
