export * from './simulator.js'
export * from './scenarios.js'
export {plan} from './anthropic.js'
export {chatPlan} from './openai.js'
