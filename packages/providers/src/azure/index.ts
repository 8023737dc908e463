export type { AzureConfig, AzureCredentials } from './config';
export { AZURE_EXTRA_ACTIONS, createAzureDriver } from './driver';
