import { OpenAPIHono } from '@hono/zod-openapi';
import { type Context, Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { AppError } from '../shared/errors.js';
import { twilioRoutes } from '../twilio/twilio.routes.js';
import { adminRoutes } from './api/admin.routes.js';
import { contactMethodRoutes } from './api/contact-methods.routes.js';
import { escalationPolicyRoutes } from './api/escalation-policies.routes.js';
import { heartbeatPingRoutes, heartbeatRoutes } from './api/heartbeats.routes.js';
import { incidentRoutes } from './api/incidents.routes.js';
import { knowledgeRoutes } from './api/knowledge.routes.js';
import { postmortemRoutes } from './api/postmortems.routes.js';
import { rollupRoutes } from './api/rollups.routes.js';
import { runbookRunRoutes } from './api/runbook-runs.routes.js';
import { runbookRoutes } from './api/runbooks.routes.js';
import { icalFeedRoutes, scheduleRoutes, userIcalRoutes } from './api/schedules.routes.js';
import { serviceRoutes } from './api/services.routes.js';
import { maintenanceRoutes, silenceRoutes } from './api/silences.routes.js';
import { slackRoutes } from './api/slack.routes.js';
import { slaRoutes } from './api/slas.routes.js';
import { userRoutes } from './api/users.routes.js';
import { limitBody } from './body.js';
import type { AppEnv, HttpDeps } from './context.js';
import { requireApiKey } from './middleware/auth.middleware.js';
import { serveDocument } from './openapi/document.js';
import { opsRoutes } from './ops.routes.js';
import { errorToResponse, problem } from './problem.js';
import { serviceLogsRoutes, telemetryRoutes } from './telemetry.routes.js';
import { webhookRoutes } from './webhooks.routes.js';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

const tooLarge = limitBody(MAX_BODY_BYTES, (c) =>
  problem(c, new AppError('too_large', 'The request body is larger than 10 MiB.')),
);

/** Slack's request as the receiver reads it: the body straight from Node's request (no web stream around it). */
const slackRequest = (c: Context<AppEnv>) => ({ headers: c.req.raw.headers, text: () => c.req.text() });

/** The `slack` role alone in HTTP mode: Slack's endpoint and health on the port, nothing else. */
export function createSlackOnlyApp(deps: HttpDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  const handle = deps.slackEvents;
  if (handle) app.post('/slack/events', tooLarge, (c) => handle(slackRequest(c)));
  return app;
}

/**
 * The HTTP sidecar: health, metrics, webhooks, REST API and (in HTTP mode) Slack's endpoint, on one port.
 * Every route but Slack's is declared with its schemas (src/http/openapi/), so /api/v1/openapi.json shows them all.
 */
export function createHttpApp(deps: HttpDeps, publicBaseUrl: string): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', requestId());
  app.onError((err, c) => errorToResponse(c, err, deps.log.child({ request_id: c.get('requestId') })));
  app.notFound((c) => problem(c, AppError.notFound(`${c.req.method} ${c.req.path}`)));

  app.route('/', opsRoutes(deps));
  serveDocument(app, publicBaseUrl);

  app.use('*', tooLarge);
  if (deps.slackEvents) {
    const handle = deps.slackEvents;
    app.post('/slack/events', (c) => handle(slackRequest(c)));
  }
  app.route('/', webhookRoutes(deps));
  app.route('/', telemetryRoutes(deps));
  app.route('/', twilioRoutes(deps, deps.twilio));
  app.route('/ical', icalFeedRoutes(deps));
  app.route('/', heartbeatPingRoutes(deps));
  app.use('/api/v1/*', requireApiKey(deps.services));
  app.route('/api/v1/incidents', incidentRoutes(deps));
  app.route('/api/v1/silences', silenceRoutes(deps));
  app.route('/api/v1/maintenance-windows', maintenanceRoutes(deps));
  app.route('/api/v1/kb', knowledgeRoutes(deps));
  app.route('/api/v1/runbooks', runbookRoutes(deps));
  app.route('/api/v1/runbook-runs', runbookRunRoutes(deps));
  app.route('/api/v1/slack', slackRoutes(deps));
  app.route('/api/v1/schedules', scheduleRoutes(deps));
  app.route('/api/v1/users', userIcalRoutes(deps));
  app.route('/api/v1/users', userRoutes(deps));
  app.route('/api/v1/users', contactMethodRoutes(deps));
  app.route('/api/v1/services', serviceRoutes(deps));
  app.route('/api/v1/services', rollupRoutes(deps));
  app.route('/api/v1/services', serviceLogsRoutes(deps));
  app.route('/api/v1/escalation-policies', escalationPolicyRoutes(deps));
  app.route('/api/v1/heartbeats', heartbeatRoutes(deps));
  app.route('/api/v1/slas', slaRoutes(deps));
  app.route('/api/v1', postmortemRoutes(deps));
  app.route('/api/v1', adminRoutes(deps));
  return app;
}
