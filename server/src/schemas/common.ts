import { type TRefUnsafe, type TSchema, Type } from '@sinclair/typebox';

/** Where a request was wrong: which part, where in it (a JSON Pointer), and what. */
export const ProblemSchema = Type.Object(
  {
    in: Type.String({ description: 'The part of the request: `body`, `params`, `querystring` or `headers`.' }),
    path: Type.String({ description: 'A JSON Pointer into that part; empty for the part as a whole.' }),
    message: Type.String(),
  },
  { $id: 'Problem' },
);

/** A problem found in a pipeline document, by validation or by the compiler (`Diagnostic` in @loom/graph). */
export const DiagnosticSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable; tools and tests match on it.' }),
    message: Type.String(),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
    nodeId: Type.Optional(Type.String()),
    edgeId: Type.Optional(Type.String()),
    path: Type.Optional(Type.String({ description: 'A JSON Pointer into the document.' })),
  },
  { $id: 'Diagnostic' },
);

/**
 * Every error reply: `error` is a stable code (`bad-request`, `not-found`, `unauthorized`,
 * `payload-too-large`, `invalid-document`, `internal`, …), `message` is for people. Validation
 * errors add `problems`; an invalid pipeline document adds its `diagnostics`.
 */
export const ErrorSchema = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    problems: Type.Optional(Type.Array(Type.Ref(ProblemSchema))),
    diagnostics: Type.Optional(Type.Array(Type.Ref(DiagnosticSchema))),
  },
  { $id: 'Error' },
);

/** Schemas shared by `$ref`: added once to the app, so OpenAPI lists each once under `components`. */
export const SHARED_SCHEMAS: readonly TSchema[] = [ProblemSchema, DiagnosticSchema, ErrorSchema];

/** What each error status means, as OpenAPI shows it. */
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid: `problems` says where (or, for a pipeline document, `diagnostics`).',
  401: 'The server needs an API token: `Authorization: Bearer <token>`.',
  404: 'No such resource.',
  409: 'The request conflicts with the current state.',
  413: 'The request body is larger than the limit.',
  503: 'A service the server needs is down.',
};

type ErrorRef = TRefUnsafe<typeof ErrorSchema>;

/**
 * Response schemas for the error statuses a route can answer with, so OpenAPI documents them and the
 * error handler's replies are serialised by the same schema.
 *
 * @example
 * response: { 200: PipelineSchema, ...errorResponses(400, 404) }
 */
export function errorResponses<const C extends number>(...codes: C[]): Record<C, ErrorRef> {
  const responses = {} as Record<C, ErrorRef>;
  for (const code of codes) {
    responses[code] = Type.Ref(ErrorSchema, { description: ERROR_DESCRIPTIONS[code] ?? 'An error.' });
  }
  return responses;
}

/** A JSON object of any shape, serialised as is: a schema with properties would drop unknown ones. */
export function looseObject<T = Record<string, unknown>>(description: string) {
  return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description }));
}
