import type {Claim, EvidenceKind} from './evidence-claims.js'

/** The verification command of each kind, as a profile's or the config's `evidence` section declares them. */
export type EvidenceCommands = Partial<Record<EvidenceKind, string>>

/** One command to run, and the claims it answers for; command null: the claims are unverifiable. */
export interface EvidenceStep {
  kind: EvidenceKind | null
  command: string | null
  claims: Claim[]
}

/**
 * Claims → the commands that check them: one step per kind claimed (a kind claimed twice runs once),
 * in the order first claimed; a claim of no kind is a step of its own; command null: nothing
 * declared checks it (unverifiable). Pure.
 */
export function planEvidence(claims: readonly Claim[], commands: EvidenceCommands): EvidenceStep[] {
  const steps: EvidenceStep[] = []
  for (const claim of claims) {
    const command = claim.kind === null ? null : (commands[claim.kind]?.trim() || null)
    const same = claim.kind === null ? undefined : steps.find((s) => s.kind === claim.kind)
    if (same) same.claims.push(claim)
    else steps.push({kind: claim.kind, command, claims: [claim]})
  }
  return steps
}

/**
 * Which commands apply: those the job recorded at start (its profile's, or the config's then), else
 * the config's now. Pure.
 */
export function evidenceCommands(recorded: EvidenceCommands | null | undefined, recordedSource: string | undefined, config: EvidenceCommands | undefined): {commands: EvidenceCommands; source: 'profile' | 'config' | 'none'} {
  const nonEmpty = (c: EvidenceCommands | null | undefined): c is EvidenceCommands => !!c && Object.values(c).some((v) => typeof v === 'string' && v.trim() !== '')
  if (nonEmpty(recorded)) return {commands: recorded, source: recordedSource === 'profile' ? 'profile' : 'config'}
  if (nonEmpty(config)) return {commands: config, source: 'config'}
  return {commands: {}, source: 'none'}
}
