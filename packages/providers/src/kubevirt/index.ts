export { createKubevirtDriver } from './driver';
export { kubevirtModule } from './module';
