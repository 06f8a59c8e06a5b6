import type { PipelineDocument, PipelineParameter } from '@loom/graph';
import type { ParameterValue } from '../store/trigger-types.ts';
import { TriggerError } from './trigger-error.ts';

/**
 * Checks a trigger's run parameters against the pipeline's declared ones: each must be declared, of
 * its type, and one of its `enum` values when it has them. A trigger fires unattended, so a typo is
 * refused when it is saved rather than found in a failed run at 3 a.m.
 *
 * @throws TriggerError (`invalid`, field `/parameters/<name>`) naming the parameter and what is wrong.
 */
export function checkTriggerParameters(document: PipelineDocument, parameters: Record<string, ParameterValue>): void {
  const declared = document.parameters ?? {};
  for (const [name, value] of Object.entries(parameters)) {
    const field = `/parameters/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    const parameter = declared[name];
    if (parameter === undefined) {
      const known = Object.keys(declared);
      throw new TriggerError(
        'invalid',
        `parameters: pipeline "${document.name}" has no parameter "${name}" (${known.length === 0 ? 'it declares none' : `it declares ${known.join(', ')}`})`,
        field,
      );
    }
    const fault = valueFault(parameter, value);
    if (fault !== undefined) throw new TriggerError('invalid', `parameters: "${name}" ${fault}`, field);
  }
}

function valueFault(parameter: PipelineParameter, value: ParameterValue): string | undefined {
  switch (parameter.type) {
    case 'string':
      if (typeof value !== 'string') return `must be a string, not ${JSON.stringify(value)}`;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return `must be true or false, not ${JSON.stringify(value)}`;
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, not ${JSON.stringify(value)}`;
      if (parameter.type === 'integer' && !Number.isInteger(value)) return `must be an integer, not ${value}`;
      break;
  }
  if (parameter.enum !== undefined && typeof value !== 'boolean' && !parameter.enum.includes(value)) {
    return `must be one of ${parameter.enum.map((option) => JSON.stringify(option)).join(', ')}, not ${JSON.stringify(value)}`;
  }
  return undefined;
}
