export * from './check-provider.js'
export * from './run-conformance.js'
export * from './recorded-fixtures.js'
