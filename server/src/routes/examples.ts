import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inputFileReferences } from '@loom/compiler';
import { isParameterReference, loadDocument, type PipelineDocument } from '@loom/graph';
import type { NodeRegistry } from '@loom/sdk';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas/common.ts';

const ExampleSummarySchema = Type.Object({
  name: Type.String({ description: 'The example’s folder name.' }),
  title: Type.String({ description: 'The first heading of its README, or the pipeline’s name.' }),
  description: Type.String(),
  nodes: Type.Integer({ description: 'How many nodes the pipeline has.' }),
});

const ExampleSchema = Type.Object({
  name: Type.String(),
  document: Type.Unknown({
    description: 'The pipeline, its input files named as this server finds them (relative to its first data folder).',
  }),
});

const ExampleParamsSchema = Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }) });

interface Example {
  name: string;
  folder: string;
  title: string;
  document: PipelineDocument;
}

/** The examples: each folder of `examplesDir` holding a valid `pipeline.loom.json`, by name. */
async function readExamples(examplesDir: string): Promise<Example[]> {
  const entries = await readdir(examplesDir, { withFileTypes: true }).catch(() => []);
  const examples: Example[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const folder = join(examplesDir, entry.name);
    const text = await readFile(join(folder, 'pipeline.loom.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue; // a folder of plugins, not a pipeline
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      continue;
    }
    const loaded = loadDocument(raw);
    if (!loaded.ok) continue;
    const readme = await readFile(join(folder, 'README.md'), 'utf8').catch(() => '');
    const heading = /^#\s+(.+)$/m.exec(readme)?.[1]?.trim();
    examples.push({ name: entry.name, folder, title: heading ?? loaded.document.name, document: loaded.document });
  }
  return examples.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The example with its relative input paths (relative to the example's folder, as `loom run` reads
 * them) rewritten as this server reads them: relative to its first data folder, or absolute.
 */
export function asServerSees(example: Example, registry: NodeRegistry, baseDir: string): PipelineDocument {
  const document = structuredClone(example.document);
  const rewrite = (path: string): string => {
    if (isAbsolute(path)) return path;
    const full = resolve(example.folder, path);
    const fromBase = relative(baseDir, full);
    return fromBase.startsWith('..') || isAbsolute(fromBase) ? full : fromBase;
  };
  for (const reference of inputFileReferences(document, registry)) {
    const node = document.nodes.find((candidate) => candidate.id === reference.nodeId);
    const value = node?.params?.[reference.param];
    if (node?.params !== undefined && typeof value === 'string') node.params[reference.param] = rewrite(value);
    else if (isParameterReference(value)) {
      const parameter = document.parameters?.[value.$param];
      if (parameter !== undefined && typeof parameter.default === 'string')
        parameter.default = rewrite(parameter.default);
    }
  }
  return document;
}

/**
 * `GET /api/examples` and `GET /api/examples/:name`: the pipelines bundled with Loom, ready to open in
 * the designer and run on this server as they are.
 */
export const exampleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { examplesDir } = app.config;
  const baseDir = app.config.dataRoots[0] ?? process.cwd();
  const examples = (): Promise<Example[]> =>
    examplesDir === undefined ? Promise.resolve([]) : readExamples(resolve(examplesDir));

  app.get(
    '/api/examples',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'The example pipelines bundled with Loom',
        response: { 200: Type.Object({ examples: Type.Array(ExampleSummarySchema) }), ...errorResponses(401) },
      },
    },
    async () => ({
      examples: (await examples()).map((example) => ({
        name: example.name,
        title: example.title,
        description: example.document.description ?? '',
        nodes: example.document.nodes.length,
      })),
    }),
  );

  app.get(
    '/api/examples/:name',
    {
      schema: {
        tags: ['pipelines'],
        summary: 'One example pipeline, its data paths as this server reads them',
        params: ExampleParamsSchema,
        response: { 200: ExampleSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const example = (await examples()).find((candidate) => candidate.name === request.params.name);
      if (example === undefined) {
        return reply.code(404).send({ error: 'not-found', message: `no example "${request.params.name}"` });
      }
      return { name: example.name, document: asServerSees(example, app.registry, baseDir) };
    },
  );
};
