export { liveHeapMb } from './heap';
export { libcloudFixtures } from './libcloud-fixtures';
export { type ReplayServer, type ScriptedAnswer, type SeenRequest, startReplayServer } from './replay-server';
