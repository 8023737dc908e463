export { type AddressClass, canonicalHost, classifyIp, parseIp } from '@overcast/contracts/addresses';
export * from './fetch';
export * from './guard';
