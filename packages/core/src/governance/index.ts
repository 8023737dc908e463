export { type Creation, estimateCreation, evaluateCreation, type Verdict } from './check';
export { estimateMachine } from './estimate';
export { governCreation } from './govern';
export { checkExpirationChange } from './lifetime';
export { limitsView, listLimits, NO_LIMITS, setLimits } from './limits';
export { scopeUsage } from './usage';
