export type { Change } from './change';
export {
  type Creation,
  type Estimate,
  type EvaluateOptions,
  estimateCreation,
  evaluateCreations,
  type QuotaKind,
  type QuotaRefusal,
  type Verdicts,
} from './check';
export { budgetLines, estimateMachine, goesToApproval } from './estimate';
export { governChange, governCreation, governCreations, type RefusalAudit } from './govern';
export { checkExpirationChange } from './lifetime';
export { limitsView, listLimits, NO_LIMITS, setLimits } from './limits';
export { fromCents, toCents } from './money';
export { scopeUsage } from './usage';
