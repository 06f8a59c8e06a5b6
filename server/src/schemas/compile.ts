import type { Plan } from '@loom/compiler';
import { Type } from '@sinclair/typebox';
import { DiagnosticSchema, looseObject } from './common.ts';

/** A pipeline parameter value as JSON carries it. */
export const ParameterValueSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** A pipeline document as sent: checked by `@loom/graph`, not here, so its problems come back as diagnostics. */
export const DocumentBodySchema = looseObject(
  'A pipeline document (`loom.pipeline`); `loom schema` prints its JSON Schema. Validated by Loom, which ' +
    'answers with diagnostics that point into it.',
);

export const CompileBodySchema = Type.Object({
  document: DocumentBodySchema,
  parameters: Type.Optional(
    Type.Record(Type.String(), ParameterValueSchema, {
      description: "Values of the document's pipeline parameters, overriding their defaults.",
    }),
  ),
});

/** A compiled plan (`Plan` in @loom/compiler): steps in topological order. */
export const PlanSchema = looseObject<Plan>(
  'The plan: steps in topological order with resolved parameters and cache keys.',
);

export const CompileReplySchema = Type.Union([
  Type.Object({ ok: Type.Literal(true), plan: PlanSchema, diagnostics: Type.Array(Type.Ref(DiagnosticSchema)) }),
  Type.Object({ ok: Type.Literal(false), diagnostics: Type.Array(Type.Ref(DiagnosticSchema)) }),
]);
