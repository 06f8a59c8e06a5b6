import { canonicalJson, type PipelineDocument } from '@loom/graph';
import type { PipelineList, PipelineVersion, SavedPipeline } from '@loom/server/api-types';
import type { LoomApi } from './loom-api.ts';

/** What an upload did on the server: a new pipeline, a new version of one, or nothing (the latest version is this document). */
export type UploadOutcome = 'new-pipeline' | 'new-version' | 'unchanged';

export interface UploadedPipeline {
  id: string;
  version: number;
  outcome: UploadOutcome;
}

/**
 * Files `document` on the server as `loom run` files a run in its home: under the most recently
 * updated pipeline of the document's name, at its latest version when that holds the same document
 * (compared canonically, so key order and whitespace do not count) or else as a new version; a new
 * pipeline when none has the name. A CI job that runs an unchanged file on every push so adds no
 * versions. Two uploads of a brand-new name at the same moment can make two pipelines: the API has no
 * find-or-create, and the next upload goes to the one updated last.
 */
export async function uploadDocument(api: LoomApi, document: PipelineDocument): Promise<UploadedPipeline> {
  const { pipelines } = await api.get<PipelineList>('/api/pipelines');
  const named = pipelines.find((pipeline) => pipeline.name === document.name);
  if (named === undefined) {
    const saved = await api.post<SavedPipeline>('/api/pipelines', document);
    return { id: saved.id, version: saved.version, outcome: 'new-pipeline' };
  }
  const latest = await api.get<PipelineVersion>(`/api/pipelines/${encodeURIComponent(named.id)}`);
  if (canonicalJson(latest.document) === canonicalJson(document)) {
    return { id: named.id, version: latest.version, outcome: 'unchanged' };
  }
  const saved = await api.put<SavedPipeline>(`/api/pipelines/${encodeURIComponent(named.id)}`, document);
  return { id: saved.id, version: saved.version, outcome: 'new-version' };
}
