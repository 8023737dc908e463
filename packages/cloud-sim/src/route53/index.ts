export { handleRoute53, ROUTE53_NAMESPACE, route53Error } from './handler';
export { canonicalName, type R53RecordSet, type R53Zone, Route53Error, Route53State } from './state';
