import { z } from '@hono/zod-openapi';
import { slackRoutesSchema } from '../../domains/notify/index.js';
import { json, jsonBody, route } from '../openapi/route.js';

export const slackRoutesBodySchema = z.object({
  routes: slackRoutesSchema.meta({
    description: 'Service name → Slack channel (a name like `payments-oncall` or an id like `C0123ABC`)',
    example: { payments: '#payments-oncall' },
  }),
});

const tags = ['Admin'];

export const getSlackRoutes = route({
  method: 'get',
  path: '/routes',
  tags,
  summary: 'Which Slack channel each service’s incidents are posted to',
  permission: 'settings:read',
  responses: {
    200: json(
      z.object({
        routes: z.record(z.string(), z.string()),
        defaultChannel: z
          .string()
          .nullable()
          .openapi({ description: 'Where incidents no route claims go (SLACK_DEFAULT_CHANNEL)' }),
      }),
      'The routes, and the channel for the rest',
    ),
  },
});

export const putSlackRoutes = route({
  method: 'put',
  path: '/routes',
  tags,
  summary: 'Replace the service → Slack channel routes',
  permission: 'settings:write',
  request: { body: jsonBody(slackRoutesBodySchema) },
  responses: { 200: json(z.object({ routes: z.record(z.string(), z.string()) }), 'The routes now in force') },
});
