/**
 * Readers for the files under docker/ that scripts/docker-files.test.ts checks: a Dockerfile parser for
 * the instructions Loom's Dockerfiles use, a `.dockerignore` matcher and Compose variable interpolation.
 * Small on purpose, and no more than those files need: no heredocs, no parser directives, no escape
 * character other than the backslash.
 */

/** One instruction: its keyword (upper case), its `--flags`, and its arguments as written and, in exec form, as JSON. */
export interface Instruction {
  keyword: string;
  flags: Record<string, string>;
  /** The arguments after the flags, continuation lines joined with a space. */
  args: string;
  /** The exec (JSON array) form, when the arguments are one. */
  json?: string[];
  /** 1-based line of the keyword. */
  line: number;
}

/** A build stage: from `FROM` to the next `FROM`. */
export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** `ARG`s before the first `FROM`. */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

/** Flags that take a value, per keyword; a flag's value runs to the next space. */
const FLAGGED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);

/** @throws naming the line, on an instruction before `FROM` other than `ARG`, or on unparsable JSON form. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const first = lines[index]?.trim() ?? '';
    if (first === '' || first.startsWith('#')) continue;
    const line = index + 1;
    let joined = first;
    // A continuation: comment and empty lines inside it are skipped, as Docker does.
    let continued = joined.endsWith('\\');
    while (continued && index + 1 < lines.length) {
      if (joined.endsWith('\\')) joined = joined.slice(0, -1).trimEnd();
      const next = lines[++index]?.trim() ?? '';
      if (next === '' || next.startsWith('#')) continue;
      joined += ` ${next}`;
      continued = next.endsWith('\\');
    }
    if (joined.endsWith('\\')) joined = joined.slice(0, -1).trimEnd();
    const [keyword = '', ...rest] = joined.split(/\s+/);
    const upper = keyword.toUpperCase();
    let args = rest.join(' ');
    const flags: Record<string, string> = {};
    if (FLAGGED.has(upper)) {
      for (let flag = /^--([a-z-]+)=(\S*)\s*/.exec(args); flag !== null; flag = /^--([a-z-]+)=(\S*)\s*/.exec(args)) {
        flags[flag[1] as string] = flag[2] as string;
        args = args.slice(flag[0].length);
      }
    }
    const instruction: Instruction = { keyword: upper, flags, args, line };
    if (args.startsWith('[')) instruction.json = jsonForm(args, line);
    else if (upper === 'HEALTHCHECK' && args.startsWith('CMD [')) instruction.json = jsonForm(args.slice(4), line);
    instructions.push(instruction);
  }

  const dockerfile: Dockerfile = { globalArgs: {}, stages: [] };
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args.split(/\s+/);
      dockerfile.stages.push({
        base,
        ...(as?.toUpperCase() === 'AS' && name !== undefined ? { name } : {}),
        instructions: [],
      });
      continue;
    }
    const stage = dockerfile.stages.at(-1);
    if (stage !== undefined) stage.instructions.push(instruction);
    else if (instruction.keyword === 'ARG') Object.assign(dockerfile.globalArgs, argument(instruction.args));
    else throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
  }
  return dockerfile;
}

function jsonForm(text: string, line: number): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
    throw new Error(`line ${line}: the exec form must be a JSON array of strings: ${text}`);
  }
  return parsed;
}

/** `ARG NAME` or `ARG NAME=default`. */
function argument(args: string): Record<string, string | undefined> {
  const [name = '', ...value] = args.split('=');
  return { [name.trim()]: value.length === 0 ? undefined : value.join('=').trim() };
}

/** `ENV A=1 B=2` (the key=value form, values without spaces or quotes, as Loom's Dockerfiles write them). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((each) => each.keyword === 'ENV')) {
    for (const pair of instruction.args.split(/\s+/)) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`line ${instruction.line}: ENV in the key=value form only, not "${pair}"`);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  }
  return env;
}

/** The instructions of a stage with this keyword. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/**
 * A `.dockerignore` as the engine reads it: patterns of Go's `filepath.Match` plus `**` (any number of
 * folders), relative to the context root, `!` re-including; the last pattern that matches a path or one
 * of its parent folders decides.
 *
 * @example
 * dockerIgnore('**\/node_modules\n')('packages/cli/node_modules/x.js') // → true
 */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = (negate ? line.slice(1) : line).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, regex: globRegex(pattern) };
    });
  return (path) => {
    const parts = path.replace(/^\.?\/+/, '').split('/');
    const prefixes = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.regex.test(prefix))) excluded = !rule.negate;
    }
    return excluded;
  };
}

function globRegex(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (pattern.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (pattern.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Compose's interpolation of `${NAME}`, `${NAME:-default}` and `${NAME-default}` (and `$$` for a
 * dollar sign), with the variables given; `${NAME:?message}` throws the message when NAME is unset.
 */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (whole, name, colon, op, word) => {
    if (whole === '$$') return '$';
    const value = env[name as string];
    const unset = value === undefined || (colon === ':' && value === '');
    if (!unset) return value as string;
    if (op === '?') throw new Error(`${name}: ${word}`);
    return op === '-' ? (word as string) : '';
  });
}
