export type { AzureConfig, AzureCredentials } from './config';
export { createAzureDriver } from './driver';
