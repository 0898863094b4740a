/**
 * `npm run -s token -- <user> [--manager]`: prints a bearer token for a demo user (alice, bob,
 * maya) or any other user id. It signs with the secret of the data directory, so the running
 * stack (same DATA_DIR) accepts the token.
 */
import { parseArgs } from 'node:util';
import { resolveDataDir } from './config.ts';
import { localSecret, signToken } from './jwt.ts';
import { demoUsers, userFor } from './users.ts';

const USAGE = `usage: npm run -s token -- <user> [--manager] [--data-dir <dir>]
  demo users: ${demoUsers.map((u) => `${u.sub} (${u.role})`).join(', ')}; any other id is a rep`;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const id = positionals[0];
  if (values.help || id === undefined || positionals.length > 1 || id.trim() === '') {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const secret = localSecret(resolveDataDir(values['data-dir']));
  console.log(await signToken(userFor(id, { manager: values.manager }), secret));
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      manager: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

process.exitCode = await main(process.argv.slice(2));
