export * from './check-provider.js'
export * from './run-conformance.js'
