import type { CatalogNode, NodeCatalog, NodeParamsUpgrade } from '@loom/sdk';
import { type Static, Type } from '@sinclair/typebox';
import { looseObject } from './common.ts';

const InputPortSchema = Type.Object({
  name: Type.String(),
  type: Type.String({ description: 'A port type name; see `portTypes`.' }),
  description: Type.Optional(Type.String()),
  required: Type.Boolean({ description: 'An unconnected required input is a compile error.' }),
  multiple: Type.Boolean({ description: 'Accepts any number of edges.' }),
  evaluation: Type.Optional(
    Type.Literal(true, {
      description: 'The port scores a model on held-out rows; the compiler checks that no fitted step saw them.',
    }),
  ),
});

const RowFlowSchema = Type.Object(
  {
    from: Type.String({ description: 'The input whose rows this output carries.' }),
    fits: Type.Optional(
      Type.Union(
        [
          Type.Boolean(),
          Type.Object({
            param: Type.String(),
            in: Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
          }),
        ],
        { description: 'Whether the node learns from those rows: always, or when `param` has one of the values `in`.' },
      ),
    ),
    heldOut: Type.Optional(Type.Boolean({ description: "These rows are held out from the node's other outputs." })),
  },
  { description: 'Where the rows of a table output come from, for the data-leakage check.' },
);

const OutputPortSchema = Type.Object({
  name: Type.String(),
  type: Type.String(),
  description: Type.Optional(Type.String()),
  rows: Type.Optional(RowFlowSchema),
  columns: Type.Optional(
    Type.Object(
      { from: Type.String({ description: 'The input whose columns this output has, by name.' }) },
      { description: 'A table output with the columns of an input, for column pickers before a run.' },
    ),
  ),
});

/** One version of one node type, as the designer's palette, property panel and compiler need it (the SDK's `CatalogNode`). */
export const CatalogNodeSchema = Type.Object({
  type: Type.String({ description: 'Dotted type name, e.g. `core.read_json`.' }),
  version: Type.String({ description: 'Semver; documents pin it.' }),
  latest: Type.Boolean({ description: 'Whether this is the highest installed version of the type.' }),
  title: Type.String(),
  description: Type.String(),
  category: Type.String(),
  source: Type.String({ description: 'The package or plugin that provides the node, as `name@version`.' }),
  plugin: Type.Optional(
    Type.Object(
      {
        name: Type.String(),
        version: Type.String({ description: "The package's version (not the node's)." }),
        origin: Type.Union([Type.Literal('builtin'), Type.Literal('directory'), Type.Literal('npm')], {
          description: 'Shipped with Loom, found in the plugins folder, or an npm package named in loom.config.json.',
        }),
      },
      { description: 'The plugin package that provides the node.' },
    ),
  ),
  migratesFrom: Type.Optional(
    Type.String({
      description: 'The earlier version whose parameters this version can take over ("upgrade node").',
    }),
  ),
  implementationHash: Type.String({
    description:
      "A hash of the code that runs the node; part of every step's cache key, so the designer's plans match the server's.",
  }),
  inputs: Type.Array(InputPortSchema),
  outputs: Type.Array(OutputPortSchema),
  // The type argument is spelled out: inside Type.Object, inference would make it `unknown`.
  params: looseObject<Record<string, unknown>>('The parameter JSON Schema; the designer draws its form from it.'),
  resources: Type.Object({
    cpu: Type.Number(),
    memoryMb: Type.Number(),
    gpu: Type.Object({
      count: Type.Number({ description: 'GPUs each step needs; above 0 the step needs a GPU backend.' }),
      memoryMb: Type.Number({
        description: 'Memory each step needs free on each GPU, in MiB; 0 asks for whole devices.',
      }),
      cpuFallback: Type.Boolean({ description: 'Whether a step may run on CPU when no GPU is available.' }),
    }),
    backend: Type.Union([Type.Literal('cpu'), Type.Literal('gpu'), Type.Literal('kubernetes')]),
  }),
  retry: Type.Object({ retries: Type.Integer(), backoffMs: Type.Number(), maxBackoffMs: Type.Number() }),
  timeoutMs: Type.Number(),
  cacheable: Type.Boolean(),
});

/** A port type and how the designer draws it; `extends` gives the connection rule. */
export const PortTypeSchema = Type.Object({
  name: Type.String(),
  description: Type.String(),
  storage: Type.Union([Type.Literal('json'), Type.Literal('text'), Type.Literal('file'), Type.Literal('abstract')]),
  extends: Type.Optional(Type.String({ description: 'The more general type a value of this type also fits.' })),
  color: Type.String(),
});

export const NodeCatalogSchema = Type.Object({
  nodes: Type.Array(CatalogNodeSchema, {
    description: 'Every installed version of every node type, by type then version.',
  }),
  portTypes: Type.Array(PortTypeSchema),
});

/** A semver version, as documents pin it. */
const versionSchema = (description: string) =>
  Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$', description, examples: ['1.0.0'] });

/** `POST /api/nodes/upgrade`: a node's parameters at one version, to be carried up to a newer one. */
export const NodeUpgradeBodySchema = Type.Object(
  {
    type: Type.String({ minLength: 1, description: 'The node type, e.g. `text.word_count`.' }),
    from: versionSchema('The version the parameters belong to (the one the document pins); it need not be installed.'),
    to: Type.Optional(versionSchema('The installed version to upgrade to; the latest when left out.')),
    params: looseObject<Record<string, unknown>>("The node's parameters as the document holds them."),
  },
  { additionalProperties: false },
);

/** The parameters carried up to the new version, and the migrations that carried them. */
export const NodeUpgradeReplySchema = Type.Object({
  type: Type.String(),
  version: Type.String({ description: 'The version the parameters now belong to.' }),
  params: looseObject<Record<string, unknown>>('The parameters for `version`.'),
  migrations: Type.Array(Type.Object({ from: Type.String(), to: Type.String() }), {
    description: 'Each migration applied, in order; empty when no version on the way changed the parameters.',
  }),
});

/** True only when `A` and `B` are the very same type (mutual assignability would let an optional field go missing). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// The SDK's interfaces are the contract (the designer compiles from them); these schemas validate,
// serialise and document it. Serialising drops fields a schema lacks, so the two must not drift apart:
// these lines stop compiling when they do.
true satisfies Same<Static<typeof CatalogNodeSchema>, CatalogNode>;
true satisfies Same<Static<typeof NodeCatalogSchema>, NodeCatalog>;
true satisfies Same<Static<typeof NodeUpgradeReplySchema>, NodeParamsUpgrade>;
