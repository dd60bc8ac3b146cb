// Run by the supervisor at a job's no-mutation deadline (README "Run budgets"): `node no-mutation-main.js <job dir>`.
// Exit 0 only when the job has changed nothing in its worktree: the supervisor then records why and ends it.
import {unchangedSinceBaseline} from '../job/no-mutation-budget.js'

const dir = process.argv[2]
process.exitCode = dir !== undefined && (await unchangedSinceBaseline(dir)) ? 0 : 1
