/**
 * Label selectors (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and the one field selector
 * Loom uses (`metadata.name=`, plus `metadata.namespace=` and `status.phase=` for pods).
 */
import { badRequest } from './api-status.ts';
import type { KubeObject } from './object-store.ts';

type Requirement =
  | { kind: 'equals'; key: string; value: string }
  | { kind: 'notEquals'; key: string; value: string }
  | { kind: 'in'; key: string; values: string[] }
  | { kind: 'notIn'; key: string; values: string[] }
  | { kind: 'exists'; key: string }
  | { kind: 'notExists'; key: string };

export type Matcher = (object: KubeObject) => boolean;

/** Splits on commas that are not inside `in (...)` parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

function parseRequirement(text: string): Requirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (set !== null) {
    const [, key = '', operator, list = ''] = set;
    const values = list
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    return operator === 'in' ? { kind: 'in', key, values } : { kind: 'notIn', key, values };
  }
  const notEquals = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(text);
  if (notEquals !== null) return { kind: 'notEquals', key: notEquals[1] ?? '', value: notEquals[2] ?? '' };
  const equals = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(text);
  if (equals !== null) return { kind: 'equals', key: equals[1] ?? '', value: equals[2] ?? '' };
  const notExists = /^!\s*(\S+)$/.exec(text);
  if (notExists !== null) return { kind: 'notExists', key: notExists[1] ?? '' };
  if (/^[^\s!=(),]+$/.test(text)) return { kind: 'exists', key: text };
  throw badRequest(`unable to parse requirement: found '${text}', expected: identifier`);
}

function matches(requirement: Requirement, labels: Record<string, string>): boolean {
  const value = labels[requirement.key];
  switch (requirement.kind) {
    case 'equals':
      return value === requirement.value;
    case 'notEquals':
      return value !== requirement.value;
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notIn':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return value !== undefined;
    case 'notExists':
      return value === undefined;
  }
}

/** A matcher for a `labelSelector` query value; an absent or empty selector matches everything. */
export function labelSelectorMatcher(selector: string | undefined): Matcher {
  if (selector === undefined || selector.trim() === '') return () => true;
  const requirements = splitRequirements(selector).map(parseRequirement);
  return (object) => {
    const labels = object.metadata?.labels ?? {};
    return requirements.every((requirement) => matches(requirement, labels));
  };
}

const FIELDS: Record<string, (object: KubeObject) => string | undefined> = {
  'metadata.name': (object) => object.metadata?.name,
  'metadata.namespace': (object) => object.metadata?.namespace,
  'status.phase': (object) => (object as { status?: { phase?: string } }).status?.phase,
  'spec.nodeName': (object) => (object as { spec?: { nodeName?: string } }).spec?.nodeName,
};

/** A matcher for a `fieldSelector` query value (`=`, `==` and `!=` on the supported fields). */
export function fieldSelectorMatcher(selector: string | undefined): Matcher {
  if (selector === undefined || selector.trim() === '') return () => true;
  const checks = splitRequirements(selector).map((text) => {
    const match = /^([^!=]+?)\s*(!=|==|=)\s*(.*)$/.exec(text);
    const field = match?.[1];
    const read = field === undefined ? undefined : FIELDS[field];
    if (match === null || read === undefined) {
      throw badRequest(`"${field ?? text}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
    const expected = match[3] ?? '';
    const negate = match[2] === '!=';
    return (object: KubeObject) => (read(object) === expected) !== negate;
  });
  return (object) => checks.every((check) => check(object));
}
