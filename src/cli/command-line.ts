import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
type Values<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & typeof HELP; strict: true; allowPositionals: false }>
>['values'];

/**
 * The CLIs' options, strictly: no positionals, no unknown flags; `-h`/`--help` is added. Help and a
 * mistake both print `usage` on stderr.
 * @returns the values, or the exit code when there is nothing to run (0 after help, 2 after a mistake)
 */
export function readCommandLine<T extends Options>(
  argv: string[],
  options: T,
  usage: string,
): { values: Values<T> } | { exitCode: number } {
  let values: Values<T>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...options, ...HELP },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return { exitCode: 2 };
  }
  if ((values as { help?: boolean }).help) {
    process.stderr.write(`${usage}\n`);
    return { exitCode: 0 };
  }
  return { values };
}
