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
} from '@overcast/core/automation';
import type { RoutePlugin } from '../context';
import { byId, may } from '../http/authz';
import { orgActorOf } from '../http/caller';
import { oneInOrg } from '../http/in-org';
import { changeById, created, NoContent, noContent } from '../http/reply';
import { route } from '../http/route';
import { RunsQuery } from './script-runs';

/** Schedules: triggers that run scripts or machine actions, and what each run did. */
export const scheduleRoutes: RoutePlugin = (app, ctx) => {
  const { db } = ctx;

  app.get(
    '',
    route("The organization's schedules with their next runs", may('schedules', 'read'), {
      response: { 200: ScheduleList },
    }),
    async (request) => ({ items: await listSchedules(db, request.caller.organizationId, request.caller) }),
  );

  app.post(
    '/preview',
    route(
      'The next five times a trigger would fire; an invalid cron or time zone is a 400 saying why',
      may('schedules', 'create'),
      { body: PreviewScheduleRequest, response: { 200: SchedulePreview } },
    ),
    async (request) => previewSchedule(request.body),
  );

  app.post(
    '',
    route('Create a schedule', may('schedules', 'create'), {
      body: CreateScheduleRequest,
      response: { 201: Schedule },
    }),
    async (request, reply) => created(reply, createSchedule(ctx, orgActorOf(request), request.body)),
  );

  app.get(
    '/:id',
    route('One schedule', may('schedules', 'read', byId), { params: IdParams, response: { 200: Schedule } }),
    oneInOrg(db, getSchedule),
  );

  app.patch(
    '/:id',
    route(
      'Change a schedule (enable or disable it, its trigger, targets, action or limits)',
      may('schedules', 'edit', byId),
      changeById(UpdateScheduleRequest, Schedule),
    ),
    async (request) => updateSchedule(ctx, orgActorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/:id',
    route('Delete a schedule and its history', may('schedules', 'delete', byId), {
      params: IdParams,
      response: NoContent,
    }),
    async (request, reply) => noContent(reply, deleteSchedule(ctx, orgActorOf(request), request.params.id)),
  );

  app.get(
    '/:id/runs',
    route(
      'What each run of the schedule did, to each machine, newest first',
      may('schedules', 'read', byId),
      { params: IdParams, querystring: RunsQuery, response: { 200: ScheduleRunList } },
    ),
    async (request) => {
      const auth = request.caller;
      const { id } = request.params;
      return { items: await listScheduleRuns(db, auth.organizationId, id, request.query.limit, auth) };
    },
  );
};
