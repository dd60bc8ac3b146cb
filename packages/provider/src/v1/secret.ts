const REDACTED = '[redacted]'
const brand = Symbol.for('dx-runner.secret')
const inspectCustom = Symbol.for('nodejs.util.inspect.custom')

/**
 * A credential. Prints as [redacted] everywhere (toString, toJSON, util.inspect); only `reveal()`
 * gives the value, for a child's environment. Recognise one with `isSecret`, not `instanceof`: a
 * plugin may load its own copy of this package.
 */
export class Secret {
  readonly #value: string
  readonly [brand] = true

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [inspectCustom](): string {
    return REDACTED
  }

  static isInstance(value: unknown): value is Secret {
    return isSecret(value)
  }
}

/** Is this a Secret, from any copy of @dx-runner/provider? */
export function isSecret(value: unknown): value is Secret {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true && typeof (value as Secret).reveal === 'function'
}
