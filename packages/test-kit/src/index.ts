export { libcloudFixtures } from './libcloud-fixtures';
