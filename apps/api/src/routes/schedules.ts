import {
  CreateScheduleRequest,
  IdParams,
  PreviewScheduleRequest,
  Schedule,
  ScheduleList,
  SchedulePreview,
  ScheduleRunList,
  Strict,
  UpdateScheduleRequest,
} from '@overcast/contracts';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listScheduleRuns,
  listSchedules,
  previewSchedule,
  updateSchedule,
} from '@overcast/core/automation';
import { Type as T } from '@sinclair/typebox';
import type { Queue } from 'bullmq';
import type { App, AppDeps } from '../context';
import { authorize, ERROR_RESPONSES, orgActorOf } from './shared';

const errors = ERROR_RESPONSES;
const tags = ['schedules'];

/** Queues the api hands automation work to. */
export interface AutomationQueues {
  scripts: Queue;
  schedules: Queue;
}

const RunsQuery = Strict({ limit: T.Optional(T.Integer({ minimum: 1, maximum: 500, default: 50 })) });

export function scheduleRoutes(app: App, deps: AppDeps, queues: AutomationQueues): void {
  const { db } = deps;
  const scheduleDeps = { db, scheduleQueue: queues.schedules };

  app.get(
    '/api/v1/schedules',
    {
      schema: {
        tags,
        summary: "The organization's schedules with their next runs",
        response: { 200: ScheduleList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'schedules', 'read');
      return { items: await listSchedules(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '/api/v1/schedules/preview',
    {
      schema: {
        tags,
        summary: 'The next five times a trigger would fire; an invalid cron or time zone is a 400 saying why',
        body: PreviewScheduleRequest,
        response: { 200: SchedulePreview, ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'schedules', 'create');
      return previewSchedule(request.body);
    },
  );

  app.post(
    '/api/v1/schedules',
    {
      schema: {
        tags,
        summary: 'Create a schedule',
        body: CreateScheduleRequest,
        response: { 201: Schedule, ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'schedules', 'create');
      return reply.status(201).send(await createSchedule(scheduleDeps, orgActorOf(request), request.body));
    },
  );

  app.get(
    '/api/v1/schedules/:id',
    { schema: { tags, summary: 'One schedule', params: IdParams, response: { 200: Schedule, ...errors } } },
    async (request) =>
      getSchedule(
        db,
        (await authorize(request, 'schedules', 'read', { id: request.params.id })).organizationId,
        request.params.id,
      ),
  );

  app.patch(
    '/api/v1/schedules/:id',
    {
      schema: {
        tags,
        summary: 'Change a schedule (enable or disable it, its trigger, targets, action or limits)',
        params: IdParams,
        body: UpdateScheduleRequest,
        response: { 200: Schedule, ...errors },
      },
    },
    async (request) => {
      await authorize(request, 'schedules', 'edit', { id: request.params.id });
      return updateSchedule(scheduleDeps, orgActorOf(request), request.params.id, request.body);
    },
  );

  app.delete(
    '/api/v1/schedules/:id',
    {
      schema: {
        tags,
        summary: 'Delete a schedule and its history',
        params: IdParams,
        response: { 204: T.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await authorize(request, 'schedules', 'delete', { id: request.params.id });
      await deleteSchedule(scheduleDeps, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/schedules/:id/runs',
    {
      schema: {
        tags,
        summary: 'What each run of the schedule did, to each machine, newest first',
        params: IdParams,
        querystring: RunsQuery,
        response: { 200: ScheduleRunList, ...errors },
      },
    },
    async (request) => {
      const auth = await authorize(request, 'schedules', 'read', { id: request.params.id });
      return {
        items: await listScheduleRuns(db, auth.organizationId, request.params.id, request.query.limit, auth),
      };
    },
  );
}
