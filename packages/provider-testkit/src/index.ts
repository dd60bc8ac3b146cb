export * from './simulator/index.js'
export * from './conformance/index.js'
