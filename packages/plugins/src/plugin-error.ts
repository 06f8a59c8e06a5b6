/** One thing wrong with one plugin, said so that its author can fix it without reading Loom's code. */
export interface PluginProblem {
  /** The plugin's package name, or its folder when its package.json could not be read. */
  plugin: string;
  /** The file or folder the problem is in. */
  path: string;
  message: string;
}

/** Every problem found while discovering or loading plugins; nothing is registered when there is one. */
export class PluginLoadError extends Error {
  readonly problems: readonly PluginProblem[];

  constructor(problems: readonly PluginProblem[]) {
    super(
      problems.length === 1
        ? describeProblem(problems[0] as PluginProblem)
        : `${problems.length} plugin problems:\n${problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`,
    );
    this.name = 'PluginLoadError';
    this.problems = problems;
  }
}

export function describeProblem(problem: PluginProblem): string {
  return `plugin ${problem.plugin} (${problem.path}): ${problem.message}`;
}

/** What a thrown value says: an error's message, or the value itself. */
export function errorMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
