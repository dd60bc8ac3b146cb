import {Flags} from '@oclif/core'

/** Flags several commands share. */
export const thresholdFlags = {
  'stall-minutes': Flags.string({description: 'no progress for this many minutes → stalled (default 20; fractions allowed)'}),
  'no-op-minutes': Flags.string({description: 'no progress and no mutation for this many minutes → no_op (default 5)'}),
  'first-output-seconds': Flags.string({description: 'window for the first output → launching (default 60)'}),
  'rc-grace-seconds': Flags.string({description: 'agent gone without an rc file: wait this long (default 10)'}),
}

/** Declared for --help; bin/run.js hands any command given --host to lib/remote.ts before oclif starts. */
export const hostFlag = {
  host: Flags.string({description: 'run this command on a configured host over ssh (see `dx-runner hosts`); exit code and output are the host\'s', helpGroup: 'REMOTE'}),
}
