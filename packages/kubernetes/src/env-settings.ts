/** A setting from the environment: its trimmed value, or undefined when unset or blank. */
export function envSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text === undefined || text === '' ? undefined : text;
}

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** An image pull policy setting, or undefined when unset; throws naming the variable when it is not one. */
export function envPullPolicy(env: NodeJS.ProcessEnv, name: string): ImagePullPolicy | undefined {
  const policy = envSetting(env, name);
  if (policy === undefined) return undefined;
  if (policy !== 'Always' && policy !== 'IfNotPresent' && policy !== 'Never') {
    throw new Error(`${name} must be Always, IfNotPresent or Never, not "${policy}"`);
  }
  return policy;
}
