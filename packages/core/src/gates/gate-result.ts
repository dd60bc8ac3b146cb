/** Every gate answers in one shape, pass or fail. */
export interface GateResult {
  gate: string
  passed: boolean
  reason_code: string | null
  details: Record<string, unknown>
}
