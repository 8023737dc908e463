export * from './expiration';

export * from './schedule-fire';
export * from './schedule-jobs';
export * from './schedule-view';
export * from './schedules';
export * from './script-exec';
export * from './script-run';
export * from './scripts';
export * from './targets';
export * from './triggers';
