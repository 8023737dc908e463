export { type AddressClass, canonicalHost, classifyIp, parseIp } from './addresses';
export * from './fetch';
export * from './guard';
