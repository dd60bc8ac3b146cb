import {inspect} from 'node:util'

const REDACTED = '[redacted]'

/** A credential. Prints as [redacted] everywhere; only `reveal()` gives the value, for a child's environment. */
export class Secret {
  readonly #value: string

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

  [inspect.custom](): string {
    return REDACTED
  }
}
