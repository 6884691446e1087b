// The `mscale` command line: runs, coefficients and validation over the same services as the app.
import { coefficientsCommand, COEFFICIENTS_USAGE } from './coefficientsCommand'
import { exampleCommand, EXAMPLE_USAGE } from './exampleCommand'
import { UsageError } from './commandLine'
import { runCommand, RUN_USAGE } from './runCommand'
import { sweepCommand, SWEEP_USAGE } from './sweepCommand'
import { validateCommand, VALIDATE_USAGE } from './validateCommand'

const USAGE = `mscale: the MscaleDNN Spectral Workbench on the command line

${RUN_USAGE}

${EXAMPLE_USAGE}

${SWEEP_USAGE}

${COEFFICIENTS_USAGE}

${VALIDATE_USAGE}

mscale help       this text`

const print = (line: string) => process.stdout.write(line + '\n')

/** A status line on stderr: rewritten in place on a terminal, a line every few seconds otherwise. */
function createStatus(): (text: string) => void {
  let lastLineAt = 0
  let shown = ''
  return (text) => {
    if (process.stderr.isTTY) {
      const width = process.stderr.columns ?? 120
      process.stderr.write(`\r${text.slice(0, width - 1).padEnd(shown.length)}\r`)
      shown = text.slice(0, width - 1)
      if (text === '') process.stderr.write('\r')
    } else if (text !== '' && Date.now() - lastLineAt > 10_000) {
      lastLineAt = Date.now()
      process.stderr.write(text + '\n')
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'run':
      return runCommand(rest, { print, status: createStatus() })
    case 'example':
      return exampleCommand(rest, { print, status: createStatus() })
    case 'sweep':
      return sweepCommand(rest, { print, status: createStatus() })
    case 'coefficients':
      return coefficientsCommand(rest, print)
    case 'validate':
      return validateCommand(rest, print)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      print(USAGE)
      return command === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown command "${command}"; commands: run, example, sweep, coefficients, validate, help`)
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`mscale: ${error.message}\n`)
      process.exit(2)
    }
    // Anything else is a bug: one line for the user, the stack only when asked for.
    process.stderr.write(`mscale: internal error: ${(error as Error)?.message ?? String(error)}\n`)
    if (process.env.MSCALE_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`)
    else process.stderr.write('mscale: set MSCALE_DEBUG=1 to see where it happened\n')
    process.exit(1)
  },
)
