import { type PipelineDocument, parseDocument, serializeDocument } from '@loom/graph';
import type { RunRequest, RunSummary } from '@loom/server/api-types';
import { ApiError, type LoomApi } from '../api/loom-api.ts';
import { availableUpgrade } from '../catalog/node-upgrade.ts';
import { needsName, suggestPipelineName } from '../files/pipeline-name.ts';
import { watchRun } from '../runs/run-session.ts';
import { emptyDocument, hasUnsavedChanges } from '../store/document-slice.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { downloadText } from './download.ts';

/**
 * What the editor does with the server: files (open, save, versions) and runs (start, watch, cancel,
 * resume). Commands, menus and dialogs call these; errors become toasts, never silent failures.
 */
export class EditorSession {
  #stopWatching: (() => void) | undefined;
  /** Nodes whose upgrade the server is working on: a second click waits for the first. */
  readonly #upgrading = new Set<string>();
  /** The name dialog's question, while it is open: what it offers, and who waits for the answer. */
  #nameRequest: { suggestion: string; answer: (name: string | undefined) => void } | undefined;

  constructor(
    readonly store: EditorStore,
    readonly api: LoomApi,
  ) {}

  /** Replaces the document; its undo history starts afresh. */
  load(document: PipelineDocument, file: { pipelineId?: string; version?: number; saved?: boolean } = {}): void {
    const state = this.store.getState();
    state.replaceDocument(document, {
      pipelineId: file.pipelineId,
      version: file.version,
      saved: file.saved === false ? undefined : file.pipelineId === undefined ? undefined : document,
    });
    state.clearSelection();
    state.requestFit();
    this.store.temporal.getState().clear();
    this.#setLocation(file.pipelineId, undefined);
  }

  newPipeline(): void {
    const state = this.store.getState();
    const dirty = hasUnsavedChanges(state);
    if (dirty && !window.confirm('Discard the unsaved changes of the open pipeline?')) return;
    this.closeRun();
    this.load(emptyDocument());
  }

  async open(pipelineId: string, version?: number): Promise<boolean> {
    try {
      const stored = await this.api.getPipeline(pipelineId, version);
      const loaded = parseDocument(JSON.stringify(stored.document));
      if (!loaded.ok) {
        this.#error(`Pipeline ${pipelineId} cannot be opened: ${loaded.diagnostics[0]?.message ?? 'invalid'}`);
        return false;
      }
      this.closeRun();
      this.load(loaded.document, { pipelineId, version: stored.version });
      return true;
    } catch (cause) {
      this.#error(describe(cause));
      return false;
    }
  }

  /**
   * Opens a bundled example as a new, unsaved pipeline, its data paths as the server reads them; Run
   * saves it under the example's name.
   */
  async openExample(name: string): Promise<boolean> {
    try {
      const example = await this.api.example(name);
      const loaded = parseDocument(JSON.stringify(example.document));
      if (!loaded.ok) {
        this.#error(`Example ${name} cannot be opened: ${loaded.diagnostics[0]?.message ?? 'invalid'}`);
        return false;
      }
      this.closeRun();
      this.load(loaded.document);
      this.store.getState().toast('info', `Opened the ${name} example: press Run to run it`);
      return true;
    } catch (cause) {
      this.#error(describe(cause));
      return false;
    }
  }

  /** What the name dialog offers, while it is open. */
  get nameSuggestion(): string | undefined {
    return this.#nameRequest?.suggestion;
  }

  /** The name dialog's answer: a name, or undefined when it was cancelled (which cancels the save). */
  answerName(name: string | undefined): void {
    const request = this.#nameRequest;
    this.#nameRequest = undefined;
    request?.answer(name);
  }

  #askName(suggestion: string): Promise<string | undefined> {
    this.answerName(undefined);
    return new Promise((resolve) => {
      // Closed any way but its Save (Escape, Cancel, ×, a click outside): the answer is "no name".
      const stop = this.store.subscribe((state) => {
        if (state.dialog !== 'name') this.answerName(undefined);
      });
      this.#nameRequest = {
        suggestion,
        answer: (name) => {
          stop();
          resolve(name);
        },
      };
      this.store.getState().openDialog('name');
    });
  }

  /**
   * Saves the document as a new version (the first save creates the pipeline). A pipeline saved for
   * the first time under the default name is named first, in a dialog; cancelling it saves nothing.
   * Resolves to the pipeline id.
   */
  async save(): Promise<string | undefined> {
    const before = this.store.getState();
    if (needsName(before.document, before.file)) {
      const name = await this.#askName(suggestPipelineName(before.document));
      if (name === undefined) return undefined;
      this.store.getState().setPipelineInfo({ name });
    }
    const state = this.store.getState();
    const { document, file } = state;
    try {
      const saved =
        file.pipelineId === undefined
          ? await this.api.createPipeline(document)
          : await this.api.savePipeline(file.pipelineId, document);
      state.markSaved(saved.id, saved.version);
      this.#setLocation(saved.id, this.store.getState().runView?.run.id);
      state.toast('success', `Saved ${saved.name}, version ${saved.version}`);
      return saved.id;
    } catch (cause) {
      this.#error(`Save failed: ${describe(cause)}`);
      return undefined;
    }
  }

  /**
   * Renames a saved pipeline (the server saves its latest document under the new name as a new
   * version); the open document follows when it is that pipeline. Resolves to whether it worked.
   */
  async renamePipeline(pipelineId: string, name: string): Promise<boolean> {
    try {
      const saved = await this.api.renamePipeline(pipelineId, name);
      const state = this.store.getState();
      if (state.file.pipelineId === pipelineId) {
        const clean = state.file.saved === state.document;
        state.setPipelineInfo({ name: saved.name });
        // Clean before, clean after: the rename is what the server now holds as the newest version.
        if (clean) state.markSaved(pipelineId, saved.version);
      }
      state.toast('success', `Renamed to ${saved.name}`);
      return true;
    } catch (cause) {
      this.#error(`Cannot rename: ${describe(cause)}`);
      return false;
    }
  }

  /** Deletes a saved pipeline; the open document, when it is that pipeline, stays open as never saved. */
  async deletePipeline(pipelineId: string, name: string): Promise<boolean> {
    try {
      await this.api.deletePipeline(pipelineId);
      const state = this.store.getState();
      if (state.file.pipelineId === pipelineId) {
        this.store.setState({ file: { pipelineId: undefined, version: undefined, saved: undefined } });
        this.#setLocation(undefined, undefined);
      }
      state.toast('success', `Deleted ${name}`);
      return true;
    } catch (cause) {
      this.#error(`Cannot delete ${name}: ${describe(cause)}`);
      return false;
    }
  }

  /** Puts an older version's content into the editor as a change (undoable); saving makes it the newest version. */
  async restoreVersion(version: number): Promise<void> {
    const { pipelineId } = this.store.getState().file;
    if (pipelineId === undefined) return;
    try {
      const stored = await this.api.getPipeline(pipelineId, version);
      const loaded = parseDocument(JSON.stringify(stored.document));
      if (!loaded.ok) throw new Error(loaded.diagnostics[0]?.message ?? 'invalid document');
      this.store.setState({ document: loaded.document });
      this.store.getState().toast('info', `Restored version ${version}; save to keep it as the newest version`);
    } catch (cause) {
      this.#error(`Cannot restore version ${version}: ${describe(cause)}`);
    }
  }

  /** Reads a `.loom.json` file's text: migrated and validated like `loom` does, or refused with the reason. */
  importText(text: string, fileName: string): boolean {
    const loaded = parseDocument(text);
    if (!loaded.ok) {
      const first = loaded.diagnostics[0];
      this.#error(
        `${fileName} is not a pipeline Loom can open: ${first?.message ?? 'invalid'}${first?.path ? ` (at ${first.path})` : ''}`,
      );
      return false;
    }
    this.closeRun();
    this.load(loaded.document);
    this.store.getState().toast('success', `Imported ${fileName}`);
    return true;
  }

  /**
   * Upgrades a node to the latest installed version of its type: the server carries its parameters up
   * through each version's migration, and the new version and parameters replace the old in one edit
   * (so one undo brings the old ones back). Refused when the node changed while the server worked.
   */
  async upgradeNode(nodeId: string): Promise<void> {
    const state = this.store.getState();
    const node = state.document.nodes.find((candidate) => candidate.id === nodeId);
    const to = node === undefined ? undefined : availableUpgrade(state.catalog.catalog, node);
    if (node === undefined || to === undefined || this.#upgrading.has(nodeId)) return;
    this.#upgrading.add(nodeId);
    try {
      const upgrade = await this.api.upgradeNode({
        type: node.type,
        from: node.version,
        to,
        params: node.params ?? {},
      });
      const now = this.store.getState().document.nodes.find((candidate) => candidate.id === nodeId);
      if (now?.version !== node.version || JSON.stringify(now.params ?? {}) !== JSON.stringify(node.params ?? {})) {
        this.#error(`${nodeId} changed while it was being upgraded; upgrade it again`);
        return;
      }
      this.store.getState().upgradeNode(nodeId, { version: upgrade.version, params: upgrade.params });
      this.store.getState().toast('success', `Upgraded ${nodeId} to ${node.type} ${upgrade.version}`);
    } catch (cause) {
      this.#error(`Cannot upgrade ${nodeId}: ${describe(cause)}`);
    } finally {
      this.#upgrading.delete(nodeId);
    }
  }

  exportDocument(): void {
    const { document } = this.store.getState();
    downloadText(`${document.name}.loom.json`, serializeDocument(document), 'application/json');
  }

  exportPlan(): void {
    const { problems, document } = this.store.getState();
    if (problems.plan === undefined) {
      this.#error('The pipeline has problems; fix them to export its plan');
      return;
    }
    downloadText(`${document.name}.plan.json`, `${JSON.stringify(problems.plan, null, 2)}\n`, 'application/json');
  }

  /** Saves unsaved changes, then starts a run of the saved version and shows it on the canvas. */
  async run(request: Omit<RunRequest, 'version'> = {}): Promise<void> {
    const state = this.store.getState();
    let pipelineId = state.file.pipelineId;
    if (pipelineId === undefined || state.file.saved !== state.document) pipelineId = await this.save();
    if (pipelineId === undefined) return;
    const version = this.store.getState().file.version;
    try {
      const summary = await this.api.startRun(pipelineId, version === undefined ? request : { ...request, version });
      await this.openRun(summary.id);
    } catch (cause) {
      if (cause instanceof ApiError && cause.diagnostics.length > 0) {
        this.#error(`The server refused the run: ${cause.diagnostics[0]?.message}`);
      } else this.#error(`Run failed to start: ${describe(cause)}`);
    }
  }

  /** Shows a run (live while it runs) on the canvas. */
  async openRun(runId: string): Promise<void> {
    this.#stopWatching?.();
    try {
      const snapshot = await this.api.getRun(runId);
      this.store.getState().showRun(snapshot);
      this.#setLocation(snapshot.pipelineId, runId);
      this.#stopWatching = watchRun(this.store, this.api, runId);
      void this.#loadRunPlan(runId);
    } catch (cause) {
      this.#error(`Cannot open run ${runId}: ${describe(cause)}`);
    }
  }

  /**
   * Opens a past run with the document it ran: the open document is replaced by that run's snapshot
   * when it differs (after asking, if there are unsaved changes).
   */
  async openPastRun(run: Pick<RunSummary, 'id' | 'pipelineId' | 'pipelineVersion'>): Promise<void> {
    const state = this.store.getState();
    const sameFile = state.file.pipelineId === run.pipelineId && state.file.version === run.pipelineVersion;
    if (!sameFile) {
      const dirty = hasUnsavedChanges(state);
      if (dirty && !window.confirm('Opening this run replaces the open pipeline, which has unsaved changes. Go on?'))
        return;
      try {
        const definition = await this.api.runDefinition(run.id);
        const loaded = parseDocument(JSON.stringify(definition.document));
        if (!loaded.ok) throw new Error(loaded.diagnostics[0]?.message ?? 'invalid document');
        this.load(loaded.document, { pipelineId: run.pipelineId, version: definition.pipelineVersion });
      } catch (cause) {
        this.#error(`Cannot open run ${run.id}: ${describe(cause)}`);
        return;
      }
    }
    await this.openRun(run.id);
  }

  /** Opens a past run known only by its id (a model version's provenance names the run that made it). */
  async openRunById(runId: string): Promise<void> {
    try {
      await this.openPastRun(await this.api.getRun(runId));
    } catch (cause) {
      this.#error(`Cannot open run ${runId}: ${describe(cause)}`);
    }
  }

  /** The run's plan, for telling which steps will re-run; a view without it just says less. */
  async #loadRunPlan(runId: string): Promise<void> {
    try {
      const definition = await this.api.runDefinition(runId);
      const view = this.store.getState().runView;
      if (view?.run.id === runId) this.store.setState({ runView: { ...view, plan: definition.plan } });
    } catch {
      // Without the plan, the cache badge falls back to what the run's step states say.
    }
  }

  closeRun(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    this.store.getState().closeRun();
    this.#setLocation(this.store.getState().file.pipelineId, undefined);
  }

  async cancelRun(): Promise<void> {
    const run = this.store.getState().runView?.run;
    if (run === undefined) return;
    try {
      await this.api.cancelRun(run.id);
    } catch (cause) {
      this.#error(`Cancel failed: ${describe(cause)}`);
    }
  }

  /** Resumes the shown run against the pipeline's latest saved version (saving pending fixes first). */
  async resumeRun(): Promise<void> {
    const state = this.store.getState();
    const run = state.runView?.run;
    if (run === undefined) return;
    if (state.file.pipelineId === run.pipelineId && state.file.saved !== state.document) {
      if ((await this.save()) === undefined) return;
    }
    try {
      await this.api.resumeRun(run.id);
      this.#stopWatching?.();
      this.#stopWatching = watchRun(this.store, this.api, run.id);
      void this.#loadRunPlan(run.id);
    } catch (cause) {
      this.#error(`Resume failed: ${describe(cause)}`);
    }
  }

  /** Restores what the address names (`#/pipelines/<id>` or `#/pipelines/<id>/runs/<run>`), so a reload keeps the view. */
  async restoreFromLocation(): Promise<void> {
    const match = /^#\/pipelines\/([A-Za-z0-9_-]+)(?:\/runs\/([A-Za-z0-9_-]+))?/.exec(window.location.hash);
    if (match === null) return;
    const [, pipelineId, runId] = match;
    if (pipelineId === undefined || !(await this.open(pipelineId))) return;
    if (runId !== undefined) await this.openRun(runId);
  }

  #setLocation(pipelineId: string | undefined, runId: string | undefined): void {
    const hash =
      pipelineId === undefined ? '' : `#/pipelines/${pipelineId}${runId === undefined ? '' : `/runs/${runId}`}`;
    if (window.location.hash !== hash)
      window.history.replaceState(null, '', hash === '' ? window.location.pathname : hash);
  }

  #error(message: string): void {
    this.store.getState().toast('error', message);
  }
}

function describe(cause: unknown): string {
  if (cause instanceof ApiError && cause.diagnostics.length > 0) {
    const first = cause.diagnostics[0];
    const more = cause.diagnostics.length > 1 ? ` (and ${cause.diagnostics.length - 1} more)` : '';
    return `${first?.message}${first?.path === undefined ? '' : ` at ${first.path}`}${more}`;
  }
  return cause instanceof Error ? cause.message : String(cause);
}
