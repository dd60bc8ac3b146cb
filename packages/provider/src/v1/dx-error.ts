import {ExitCode} from './exit-code.js'

const marker = Symbol.for('dx-runner.error')

/**
 * The one error type users see: a one-line message saying what to do, and the exit code.
 * Plugins load their own copy of this package, so recognise instances with `DxError.isInstance`
 * (a global symbol), not instanceof.
 */
export class DxError extends Error {
  readonly [marker] = true
  readonly exitCode: number
  readonly reasonCode?: string

  constructor(message: string, options: {exitCode?: number; reasonCode?: string; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'DxError'
    this.exitCode = options.exitCode ?? ExitCode.general
    this.reasonCode = options.reasonCode
  }

  static isInstance(error: unknown): error is DxError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true
  }
}
