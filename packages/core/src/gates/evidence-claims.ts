/**
 * The claims of an agent's sign-off (README "Evidence gate"): what it says it verified, read from its
 * prose ("tests pass", "lint clean", "build ok") and its checked markdown checklist items. Pure.
 */

/** What a claim can be about; each kind maps to one verification command (`evidence.<kind>`). */
export const EVIDENCE_KINDS = ['tests', 'lint', 'build', 'typecheck'] as const
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number]

export interface Claim {
  /** the sign-off's words, trimmed (the checklist item's text, or the sentence) */
  text: string
  /** null: a checked item about something no kind covers (it stays unverifiable) */
  kind: EvidenceKind | null
  /** 1-based line in the sign-off */
  line: number
  source: 'prose' | 'checklist'
}

const PASS = String.raw`(?:pass(?:es|ed|ing)?|green|clean(?:ly)?|ok(?:ay)?|succeed(?:s|ed)?|successful(?:ly)?|fine|works?)`
/** A claim's words (prose): the subject, up to a few words, then a verdict of success. */
const PROSE: readonly [EvidenceKind, RegExp][] = [
  ['tests', new RegExp(String.raw`\b(?:tests?|specs?|test suites?)\b[^.;!?\n]{0,30}?\b${PASS}\b`, 'i')],
  ['tests', /\bpassing\s+(?:all\s+)?(?:\d+\s+)?(?:unit\s+|e2e\s+|integration\s+)?tests\b/i],
  ['lint', new RegExp(String.raw`\b(?:es|ts)?lint(?:s|ing|er)?\b[^.;!?\n]{0,30}?\b${PASS}\b`, 'i')],
  ['lint', /\bno\s+(?:es|ts)?lint(?:ing|er)?\s+(?:errors?|warnings?|issues?|problems?)\b/i],
  ['build', new RegExp(String.raw`\bbuild\b[^.;!?\n]{0,30}?\b${PASS}\b`, 'i')],
  ['build', /(?:^|\b(?:it|project|code|package|everything|all|now|still)\s+)(?:builds|compiles)(?:\s+(?:cleanly|fine|successfully|ok|without\s+(?:errors?|warnings?)))?\s*$/i],
  ['typecheck', new RegExp(String.raw`\b(?:type[- ]?check(?:s|ing|er)?|tsc)\b[^.;!?\n]{0,30}?\b${PASS}\b`, 'i')],
  ['typecheck', /\bno\s+type\s+errors?\b/i],
]
/** A checked item names what it vouches for: a keyword is enough. */
const CHECKLIST: readonly [EvidenceKind, RegExp][] = [
  ['tests', /\b(?:tests?|testing|specs?|test suites?)\b/i],
  ['lint', /\b(?:es|ts)?lint(?:s|ing|er)?\b/i],
  ['build', /\b(?:build|builds|compiles?)\b/i],
  ['typecheck', /\b(?:type[- ]?check(?:s|ing|er)?|tsc|type errors?)\b/i],
]
/** A clause that says the opposite is no claim ("tests do not pass", "lint fails"). */
const NEGATED = /\b(?:not|never|no\s+longer|cannot|can't|don't|doesn't|didn't|isn't|aren't|won't|fail(?:s|ed|ing)?|broken|red|unless|if)\b/i
const CHECKBOX = /^\s*(?:[-*+]|\d+[.)])\s+\[([ xX])\]\s*(.*)$/
const FENCE = /^\s*(?:```|~~~)/

/** The clauses of a prose line: sentences and comma/semicolon/"but" parts, each judged alone. */
function clauses(line: string): string[] {
  return line.split(/[.;!?]\s|[.;!?]$|,|\bbut\b|\bhowever\b/i).map((c) => c.trim()).filter(Boolean)
}

function proseKinds(clause: string): EvidenceKind[] {
  if (NEGATED.test(clause)) return []
  const kinds: EvidenceKind[] = []
  for (const [kind, re] of PROSE) if (!kinds.includes(kind) && re.test(clause)) kinds.push(kind)
  return kinds
}

/**
 * Every claim of a sign-off, in order. A checked item (`- [x] …`) is a claim, of each kind it names or
 * of none (kind null); an unchecked one is not. Prose counts when a clause says a kind passed and does
 * not negate it. Fenced code blocks (pasted output) are skipped: the gate re-runs, it does not read.
 */
export function parseClaims(signoff: string): Claim[] {
  const claims: Claim[] = []
  let fenced = false
  signoff.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1
    if (FENCE.test(raw)) {
      fenced = !fenced
      return
    }
    if (fenced) return
    const box = CHECKBOX.exec(raw)
    if (box) {
      const text = box[2].trim()
      if (box[1] === ' ' || text === '') return
      const kinds = CHECKLIST.filter(([, re]) => re.test(text)).map(([k]) => k)
      if (kinds.length === 0) claims.push({text, kind: null, line, source: 'checklist'})
      for (const kind of kinds) claims.push({text, kind, line, source: 'checklist'})
      return
    }
    for (const clause of clauses(raw.replace(/^\s*(?:[-*+>#]+|\d+[.)])\s*/, ''))) {
      for (const kind of proseKinds(clause)) claims.push({text: clause, kind, line, source: 'prose'})
    }
  })
  return claims
}
