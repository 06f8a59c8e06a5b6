import type { Plan } from '@loom/compiler';
import type { Diagnostic, PipelineDocument } from '@loom/graph';
import type { NodeCatalog, NodeRegistry } from '@loom/sdk';
import type { KnownColumns } from '../columns/column-resolution.ts';
import type { CatalogSlice } from './catalog-slice.ts';
import type { ColumnsSlice } from './columns-slice.ts';
import type { DocumentSlice } from './document-slice.ts';
import type { InputFilesSlice } from './input-files-slice.ts';
import type { RunSlice } from './run-slice.ts';
import type { SelectionSlice } from './selection-slice.ts';
import type { UiSlice } from './ui-slice.ts';

/** What the editor knows about the installed nodes: the server's catalog and a registry built from it. */
export interface CatalogContext {
  catalog: NodeCatalog;
  registry: NodeRegistry;
  /** The server's registry revision the catalog comes from; absent when the server did not say. */
  revision?: number;
}

/** The compiler's view of the current document, recomputed after every edit. */
export interface ProblemsState {
  diagnostics: Diagnostic[];
  byNode: ReadonlyMap<string, Diagnostic[]>;
  byEdge: ReadonlyMap<string, Diagnostic[]>;
  /** The plan, when the document compiles: exported as JSON, and its cache keys say whether a step will re-run. */
  plan: Plan | undefined;
  /** The document these problems belong to. */
  document: PipelineDocument | undefined;
  /** The registry they were found against: a reloaded catalog makes them stale too. */
  registry: NodeRegistry | undefined;
  /** The server's answers about input files they were found with: new answers make them stale. */
  inputFiles: ReadonlyMap<string, unknown> | undefined;
  /** For each missing-file problem, the node parameter and the existing files it may have meant. */
  fileFixes: ReadonlyMap<Diagnostic, { nodeId: string; param: string; suggestions: readonly string[] }>;
  /** The columns known when they were found: unknown-column warnings depend on them. */
  knownColumns?: KnownColumns | undefined;
}

export type EditorState = DocumentSlice &
  CatalogSlice &
  SelectionSlice &
  RunSlice &
  InputFilesSlice &
  UiSlice &
  ColumnsSlice & {
    problems: ProblemsState;
  };

/** A slice creator: the slice's own fields and actions, given zustand's set and get over the whole state. */
export type SliceCreator<T> = (
  set: (partial: Partial<EditorState> | ((state: EditorState) => Partial<EditorState>)) => void,
  get: () => EditorState,
) => T;
