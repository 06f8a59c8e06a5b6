import {
  type Diagnostic,
  error,
  isParameterReference,
  type PipelineNode,
  pointer,
  pointerSegment,
  sortStrings,
} from '@loom/graph';
import type { AnyNodeDefinition } from '@loom/sdk';
import type { TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';

// Compiling a schema costs far more than checking with it, and one definition serves many nodes.
const checkers = new WeakMap<TObject, TypeCheck<TObject>>();

/** Top-level defaults of a schema, or `nested` when defaults sit deeper (then TypeBox applies them). */
const defaultPlans = new WeakMap<TObject, Array<[string, unknown]> | 'nested'>();

function defaultPlanFor(schema: TObject): Array<[string, unknown]> | 'nested' {
  let plan = defaultPlans.get(schema);
  if (plan === undefined) {
    const properties = schema.properties as Record<string, { default?: unknown }>;
    const topLevel: Array<[string, unknown]> = [];
    let nested = false;
    for (const [name, property] of Object.entries(properties)) {
      if (property.default !== undefined) topLevel.push([name, property.default]);
      const { default: _ignored, ...rest } = property;
      if (JSON.stringify(rest).includes('"default"')) nested = true;
    }
    plan = nested ? 'nested' : topLevel;
    defaultPlans.set(schema, plan);
  }
  return plan;
}

/**
 * Fills in parameter defaults. Most schemas have defaults only at the top level, which a plain loop
 * handles; TypeBox's `Value.Default` (which walks the whole value) is kept for the rest.
 */
function applyDefaults(schema: TObject, params: Record<string, unknown>): Record<string, unknown> {
  const plan = defaultPlanFor(schema);
  if (plan === 'nested') return Value.Default(schema, params) as Record<string, unknown>;
  for (const [name, value] of plan) {
    if (params[name] === undefined)
      params[name] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
  return params;
}

function checkerFor(schema: TObject): TypeCheck<TObject> {
  let checker = checkers.get(schema);
  if (checker === undefined) {
    checker = TypeCompiler.Compile(schema);
    checkers.set(schema, checker);
  }
  return checker;
}

/** A pipeline parameter's value, or a marker that it has none yet (validating without values). */
export type ParameterValues = ReadonlyMap<string, string | number | boolean | typeof UNSET>;
export const UNSET: unique symbol = Symbol('unset pipeline parameter');

/**
 * Replaces `{ "$param": name }` with the parameter's value, applies the schema's defaults and checks the
 * result. Returns the resolved params, or diagnostics that name the node and the parameter's path.
 * A reference to a parameter without a value skips the schema check (validation before a run).
 */
export function resolveNodeParams(
  node: PipelineNode,
  nodeIndex: number,
  definition: AnyNodeDefinition,
  values: ParameterValues,
): { params: Record<string, unknown>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const basePath = () => pointer('nodes', nodeIndex, 'params');
  const schema = definition.params;
  const given = node.params ?? {};
  const known = schema.properties as Record<string, unknown>;

  for (const key in given) {
    if (!Object.hasOwn(known, key)) {
      const names = Object.keys(known);
      diagnostics.push(
        error(
          'param.unknown',
          `${definition.type}@${definition.version} has no parameter "${key}"${names.length > 0 ? `; its parameters are ${names.join(', ')}` : ''}`,
          { nodeId: node.id, path: `${basePath()}/${pointerSegment(key)}` },
        ),
      );
    }
  }

  const substitution: SubstitutionState = { unresolved: [] };
  const substituted = substituteReferences(given, values, substitution, '') as Record<string, unknown>;
  const { unresolved } = substitution;
  const params = applyDefaults(schema, substituted);

  // Unknown parameters are reported above, and references without a value (validating before a run, or
  // naming an undefined parameter) are not judged here; everything else is checked, so every problem
  // shows at once.
  const checker = checkerFor(schema);
  if (!checker.Check(params)) {
    const seen = new Set(
      Object.keys(given)
        .filter((key) => !Object.hasOwn(known, key))
        .map((key) => `/${pointerSegment(key)}`),
    );
    for (const issue of checker.Errors(params)) {
      if (seen.has(issue.path) || touchesUnresolved(issue.path, unresolved)) continue;
      seen.add(issue.path);
      const name = issue.path.slice(1) || '(params)';
      const message =
        issue.type === ValueErrorType.ObjectRequiredProperty
          ? `parameter "${name}" is required by ${definition.type}@${definition.version}`
          : `parameter "${name}" ${describeValue(issue.value)} is invalid: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
      diagnostics.push(error('param.invalid', message, { nodeId: node.id, path: `${basePath()}${issue.path}` }));
    }
  }
  return { params, diagnostics };
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return '';
  return `(${text.length > 40 ? `${text.slice(0, 37)}…` : text})`;
}

/**
 * A deep copy of `value` with `{ "$param": name }` replaced by the parameter's value. The copy matters:
 * applying schema defaults afterwards must never write into the document. Keys are copied in sorted
 * order so that the plan's params do not depend on how the document happened to order them.
 */
function substituteReferences(
  value: unknown,
  values: ParameterValues,
  state: SubstitutionState,
  path: string,
): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isParameterReference(value)) {
    const resolved = values.get(value.$param);
    if (resolved === undefined || resolved === UNSET) {
      state.unresolved.push(path);
      return undefined;
    }
    return resolved;
  }
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = substituteReferences(value[i], values, state, `${path}/${i}`);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const key of sortStrings(Object.keys(value))) {
    const at = `${path}/${pointerSegment(key)}`;
    copy[key] = substituteReferences((value as Record<string, unknown>)[key], values, state, at);
  }
  return copy;
}

/** The JSON pointers (within `params`) of references that had no value. */
interface SubstitutionState {
  unresolved: string[];
}

/**
 * Whether a schema error is about a value left out for want of a parameter value: at that place, inside
 * it, or on an object or array that holds it (a union judged as a whole). Not the root: its errors (an
 * unknown key) stand.
 */
function touchesUnresolved(path: string, unresolved: readonly string[]): boolean {
  for (const at of unresolved) {
    if (path === at || path.startsWith(`${at}/`) || (path !== '' && at.startsWith(`${path}/`))) return true;
  }
  return false;
}
