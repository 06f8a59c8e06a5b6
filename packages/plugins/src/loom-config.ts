import { readFile } from 'node:fs/promises';
import { errorMessage, type PluginProblem } from './plugin-error.ts';

/** The project's Loom configuration file, looked for in the project folder. */
export const LOOM_CONFIG_FILE = 'loom.config.json';

/**
 * `loom.config.json`: what a project adds to Loom.
 *
 * ```json
 * { "plugins": ["@acme/loom-text", "loom-plugin-images"] }
 * ```
 */
export interface LoomConfig {
  /** npm packages (installed in the project's node_modules) whose nodes Loom loads. */
  plugins: string[];
}

const NPM_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

/**
 * Reads a Loom configuration file; a missing file is an empty configuration, anything malformed a
 * problem naming the field.
 */
export async function readLoomConfig(
  file: string,
): Promise<{ config: LoomConfig; problems: PluginProblem[]; found: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { config: { plugins: [] }, problems: [], found: false };
  }
  const problem = (message: string): PluginProblem => ({ plugin: 'loom.config.json', path: file, message });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const message = errorMessage(cause);
    return { config: { plugins: [] }, problems: [problem(`not valid JSON: ${message}`)], found: true };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { config: { plugins: [] }, problems: [problem('must be a JSON object')], found: true };
  }
  const problems: PluginProblem[] = [];
  const record = json as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== 'plugins' && key !== '$schema') problems.push(problem(`unknown field "${key}" (known: "plugins")`));
  }
  const plugins: string[] = [];
  if (record.plugins !== undefined) {
    if (!Array.isArray(record.plugins)) {
      problems.push(problem('"plugins" must be an array of npm package names'));
    } else {
      record.plugins.forEach((name: unknown, index: number) => {
        if (typeof name !== 'string' || !NPM_NAME.test(name)) {
          problems.push(problem(`"plugins[${index}]" must be an npm package name, not ${JSON.stringify(name)}`));
        } else {
          plugins.push(name);
        }
      });
    }
  }
  return { config: { plugins }, problems, found: true };
}
