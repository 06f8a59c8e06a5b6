import { OptionalKind, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

/** Past this many problems in one request the rest are left out: they are nearly always one mistake repeated. */
const MAX_PROBLEMS = 20;

/**
 * Validates requests with TypeBox's compiler rather than Ajv, so that a body is checked as sent and
 * never altered: Ajv's defaults in Fastify coerce types (`5` becomes `"5"` against a string-or-number
 * union) and strip properties, which would change a pipeline document on its way to the store. Path
 * parameters and query strings arrive as text and are converted to the schema's types first, strictly
 * (TypeBox's own `Value.Convert` reads `"1.5"` and `"1e2"` as the integer 1).
 */
export const typeBoxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const convert = httpPart !== undefined && httpPart !== 'body';
  // `body: Type.Optional(…)` lets a request come without a body; Fastify hands an absent body over as null.
  const bodyOptional = httpPart === 'body' && (schema as { [OptionalKind]?: string })[OptionalKind] === 'Optional';
  return (value: unknown) => {
    if (bodyOptional && (value === null || value === undefined)) return { value: undefined };
    const converted = convert ? convertText(schema, value) : value;
    if (check.Check(converted)) return { value: converted };
    return { error: validationProblems(check.Errors(converted)) };
  };
};

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Path parameters or a query string (an object of strings) with each property whose schema is an
 * integer, a number or a boolean converted from its text, when the text is exactly one; anything else
 * is left as it is, for validation to report.
 */
function convertText(schema: TSchema, value: unknown): unknown {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties;
  if (properties === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const converted: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, text] of Object.entries(converted)) {
    const type = properties[name]?.type;
    if (typeof text !== 'string') continue;
    if (type === 'integer' && INTEGER_TEXT.test(text)) converted[name] = Number(text);
    else if (type === 'number' && NUMBER_TEXT.test(text)) converted[name] = Number(text);
    else if (type === 'boolean' && (text === 'true' || text === 'false')) converted[name] = text === 'true';
  }
  return converted;
}

/** TypeBox's errors as Fastify validation errors, one per path, each message naming what is wrong. */
function validationProblems(errors: Iterable<ValueError>): FastifySchemaValidationError[] {
  const problems: FastifySchemaValidationError[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // A union reports once per member; the first message per path is the useful one.
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    problems.push({
      keyword: ValueErrorType[error.type] ?? 'invalid',
      instancePath: error.path,
      schemaPath: '',
      params: {},
      message: problemMessage(error),
    });
    if (problems.length === MAX_PROBLEMS) break;
  }
  return problems;
}

function problemMessage(error: ValueError): string {
  const property = error.path.slice(error.path.lastIndexOf('/') + 1);
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `missing required property "${property}"`;
    case ValueErrorType.ObjectAdditionalProperties:
      return `unknown property "${property}"`;
    case ValueErrorType.StringPattern:
      return `must match ${String(error.schema.pattern)}`;
    case ValueErrorType.Union: {
      // A union of literals is a choice: name what may be chosen rather than "expected union value".
      const choices = literalChoices(error.schema);
      if (choices !== undefined) return `must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`;
      return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
    }
    default:
      return `${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`;
  }
}

/** The values of a union whose members are all literals (`Type.Union([Type.Literal('1h'), …])`), else undefined. */
function literalChoices(schema: TSchema): unknown[] | undefined {
  const members = (schema as { anyOf?: Array<{ const?: unknown }> }).anyOf;
  if (members === undefined || members.length === 0 || members.some((m) => !('const' in m))) return undefined;
  return members.map((m) => m.const);
}
