import {
  CreateScheduleRequest,
  IdParams,
  PreviewScheduleRequest,
  Schedule,
  ScheduleList,
  SchedulePreview,
  ScheduleRunList,
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
} from '@overcast/core';
import { Type as T } from '@sinclair/typebox';
import type { RoutePlugin } from '../context';
import { byId } from '../http/authz';
import { authOf, orgActorOf } from '../http/caller';
import { RunsQuery } from './script-runs';

/** Schedules: triggers that run scripts or machine actions, and what each run did. */
export const scheduleRoutes: RoutePlugin = (app, { db, queues }) => {
  const scheduleDeps = { db, scheduleQueue: queues.schedules };

  app.get(
    '',
    {
      schema: {
        summary: "The organization's schedules with their next runs",
        response: { 200: ScheduleList },
      },
      config: { authz: { kind: 'schedules', action: 'read' } },
    },
    async (request) => {
      const auth = authOf(request);
      return { items: await listSchedules(db, auth.organizationId, auth) };
    },
  );

  app.post(
    '/preview',
    {
      schema: {
        summary: 'The next five times a trigger would fire; an invalid cron or time zone is a 400 saying why',
        body: PreviewScheduleRequest,
        response: { 200: SchedulePreview },
      },
      config: { authz: { kind: 'schedules', action: 'create' } },
    },
    async (request) => previewSchedule(request.body),
  );

  app.post(
    '',
    {
      schema: { summary: 'Create a schedule', body: CreateScheduleRequest, response: { 201: Schedule } },
      config: { authz: { kind: 'schedules', action: 'create' } },
    },
    async (request, reply) =>
      reply.status(201).send(await createSchedule(scheduleDeps, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    {
      schema: { summary: 'One schedule', params: IdParams, response: { 200: Schedule } },
      config: { authz: { kind: 'schedules', action: 'read', target: byId } },
    },
    async (request) => getSchedule(db, authOf(request).organizationId, request.params.id),
  );

  app.patch(
    '/:id',
    {
      schema: {
        summary: 'Change a schedule (enable or disable it, its trigger, targets, action or limits)',
        params: IdParams,
        body: UpdateScheduleRequest,
        response: { 200: Schedule },
      },
      config: { authz: { kind: 'schedules', action: 'edit', target: byId } },
    },
    async (request) => updateSchedule(scheduleDeps, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    {
      schema: { summary: 'Delete a schedule and its history', params: IdParams, response: { 204: T.Null() } },
      config: { authz: { kind: 'schedules', action: 'delete', target: byId } },
    },
    async (request, reply) => {
      await deleteSchedule(scheduleDeps, orgActorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/:id/runs',
    {
      schema: {
        summary: 'What each run of the schedule did, to each machine, newest first',
        params: IdParams,
        querystring: RunsQuery,
        response: { 200: ScheduleRunList },
      },
      config: { authz: { kind: 'schedules', action: 'read', target: byId } },
    },
    async (request) => {
      const auth = authOf(request);
      const { id } = request.params;
      return { items: await listScheduleRuns(db, auth.organizationId, id, request.query.limit, auth) };
    },
  );
};
