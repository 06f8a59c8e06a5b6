import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { checkMonitorDefinition } from '../monitors/monitor-definition.ts';
import { MonitorError } from '../monitors/monitor-error.ts';
import { DEFAULT_RULES } from '../monitors/monitor-rules.ts';
import { errorResponses, looseObject } from '../schemas/common.ts';
import {
  AlertListSchema,
  AlertSchema,
  MonitorCreatedSchema,
  MonitorCreateSchema,
  MonitorListSchema,
  MonitorParamsSchema,
  MonitorPatchSchema,
  MonitorSchema,
  MonitorWindowListSchema,
  WindowParamsSchema,
} from '../schemas/monitors.ts';
import { completeRule, type MonitorDefinition } from '../store/monitor-types.ts';
import { answerRefusals } from './model-registry-reply.ts';

const noMonitor = (id: string) => new MonitorError('not-found', `no monitor "${id}"`);
const HOUR_SECONDS = 3600;

/**
 * Endpoint monitors and their alerts: define what to watch on a model's request log (window, drift
 * options, rules, actions), read each window's metrics and drift report, and list, read and resolve
 * alerts. The server evaluates windows as they end (`loom-monitors`); `POST …/evaluate` does it now.
 */
export const monitorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const webhookAllow = app.config.webhookAllow ?? [];

  app.get(
    '/api/monitors',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Lists monitors',
        querystring: Type.Object({ model: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: MonitorListSchema, ...errorResponses(401) },
      },
    },
    async (request) => ({ monitors: app.store.monitors.listMonitors(request.query.model) }),
  );

  app.post(
    '/api/monitors',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Creates a monitor on a model’s endpoint',
        description:
          'Windows default to one hour; without rules, an alert opens when the dataset drifts (half its features or more) in a window. The reply carries the secret that signs this monitor’s webhooks, this once. 400 names a bad field: an unknown model, metric or pipeline parameter, a threshold that is not a number, a webhook URL not allowed by LOOM_WEBHOOK_ALLOW.',
        body: MonitorCreateSchema,
        response: { 201: MonitorCreatedSchema, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        const body = request.body;
        const definition: MonitorDefinition = {
          name: body.name ?? `${body.model} drift`,
          model: body.model,
          windowSeconds: body.windowSeconds ?? HOUR_SECONDS,
          drift: body.drift ?? {},
          rules: body.rules?.map(completeRule) ?? [...DEFAULT_RULES],
          actions: body.actions ?? [],
          paused: body.paused ?? false,
        };
        checkMonitorDefinition(app.store, definition, webhookAllow);
        return reply.code(201).send(app.store.monitors.createMonitor(definition));
      }),
  );

  app.get(
    '/api/monitors/:id',
    {
      schema: {
        tags: ['monitors'],
        summary: 'One monitor',
        params: MonitorParamsSchema,
        response: { 200: MonitorSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(
        reply,
        () => app.store.monitors.getMonitor(request.params.id) ?? Promise.reject(noMonitor(request.params.id)),
      ),
  );

  app.patch(
    '/api/monitors/:id',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Edits or pauses a monitor',
        description:
          'Changing the rules resolves the monitor’s open alerts: they were raised by rules that no longer hold as written.',
        params: MonitorParamsSchema,
        body: MonitorPatchSchema,
        response: { 200: MonitorSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        const current = app.store.monitors.getMonitor(request.params.id);
        if (current === undefined) throw noMonitor(request.params.id);
        const { id: _id, createdAt: _c, updatedAt: _u, lastWindowEnd: _l, ...kept } = current;
        const { rules, ...changes } = request.body;
        const definition: MonitorDefinition = {
          ...kept,
          ...changes,
          ...(rules === undefined ? {} : { rules: rules.map(completeRule) }),
        };
        checkMonitorDefinition(app.store, definition, webhookAllow);
        return app.store.monitors.updateMonitor(current.id, definition);
      }),
  );

  app.delete(
    '/api/monitors/:id',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Deletes a monitor with its windows and alerts',
        params: MonitorParamsSchema,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        if (!app.store.monitors.deleteMonitor(request.params.id)) throw noMonitor(request.params.id);
        return reply.code(204).send();
      }),
  );

  app.get(
    '/api/monitors/:id/windows',
    {
      schema: {
        tags: ['monitors'],
        summary: 'A monitor’s evaluated windows, newest first',
        description:
          'Each with its status (`no_data` when nothing was served: never zero drift), rows per version, and its metrics: rows, drift_share, drifted_features, dataset_drift, prediction_drift, latency, and per feature drift_score:<f>, psi:<f>, null_rate:<f>, out_of_range:<f>, unseen:<f>.',
        params: MonitorParamsSchema,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 200 })),
          before: Type.Optional(
            Type.String({ maxLength: 40, description: 'Only windows that start before this time.' }),
          ),
        }),
        response: { 200: MonitorWindowListSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        if (app.store.monitors.getMonitor(request.params.id) === undefined) throw noMonitor(request.params.id);
        const { limit, before } = request.query;
        return {
          windows: app.store.monitors.listWindows(request.params.id, {
            ...(limit === undefined ? {} : { limit }),
            ...(before === undefined ? {} : { before }),
          }),
        };
      }),
  );

  app.get(
    '/api/monitors/:id/windows/:start/report',
    {
      schema: {
        tags: ['monitors'],
        summary: 'The drift report of one window',
        description:
          'Per feature and for the prediction: the method, score, threshold, PSI, data quality, and histograms of the baseline and the window side by side.',
        params: WindowParamsSchema,
        response: { 200: looseObject('A @loom/drift DriftReport.'), ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        const { id, start } = request.params;
        if (app.store.monitors.getMonitor(id) === undefined) throw noMonitor(id);
        const report = app.store.monitors.getWindowReport(id, start);
        if (report !== undefined) return report as Record<string, unknown>;
        const window = app.store.monitors.getWindow(id, start);
        throw new MonitorError(
          'not-found',
          window === undefined
            ? `monitor "${id}" has no window starting at ${start}`
            : `the window starting at ${start} has no drift report (${window.status}${window.message === null ? '' : `: ${window.message}`})`,
        );
      }),
  );

  app.post(
    '/api/monitors/:id/evaluate',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Evaluates the monitor’s windows that have ended, now',
        description:
          'Windows are evaluated as they end anyway; this does it without waiting for the next check (also for a paused monitor). The reply lists the windows this call stored.',
        params: MonitorParamsSchema,
        response: { 200: MonitorWindowListSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, async () => {
        if (app.store.monitors.getMonitor(request.params.id) === undefined) throw noMonitor(request.params.id);
        return { windows: await app.monitors.evaluateDue(request.params.id) };
      }),
  );

  app.get(
    '/api/alerts',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Lists alerts, newest first',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
          model: Type.Optional(Type.String({ maxLength: 200 })),
          monitor: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 200 })),
        }),
        response: { 200: AlertListSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      const { status, model, monitor, limit } = request.query;
      return {
        alerts: app.store.monitors.listAlerts({
          ...(status === undefined ? {} : { status }),
          ...(model === undefined ? {} : { model }),
          ...(monitor === undefined ? {} : { monitorId: monitor }),
          ...(limit === undefined ? {} : { limit }),
        }),
      };
    },
  );

  app.get(
    '/api/alerts/:id',
    {
      schema: {
        tags: ['monitors'],
        summary: 'One alert, with what its actions did',
        params: MonitorParamsSchema,
        response: { 200: AlertSchema, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) =>
      answerRefusals(
        reply,
        () =>
          app.store.monitors.getAlert(request.params.id) ??
          Promise.reject(new MonitorError('not-found', `no alert "${request.params.id}"`)),
      ),
  );

  app.post(
    '/api/alerts/:id/resolve',
    {
      schema: {
        tags: ['monitors'],
        summary: 'Resolves an open alert by hand',
        description: 'A rule that still holds opens a new alert at its next window.',
        params: MonitorParamsSchema,
        response: { 200: AlertSchema, ...errorResponses(401, 404, 409) },
      },
    },
    async (request, reply) =>
      answerRefusals(reply, () => {
        const alert = app.store.monitors.getAlert(request.params.id);
        if (alert === undefined) throw new MonitorError('not-found', `no alert "${request.params.id}"`);
        if (!app.store.monitors.resolveAlert(alert.id)) {
          throw new MonitorError('conflict', `alert "${alert.id}" was resolved already, at ${alert.resolvedAt}`);
        }
        return app.store.monitors.getAlert(alert.id);
      }),
  );
};
