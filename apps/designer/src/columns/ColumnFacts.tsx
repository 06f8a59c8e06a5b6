import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useSession } from '../commands/use-commands.tsx';
import { useEditor } from '../store/editor-context.tsx';
import { outputKey, sourceFilePath } from './column-resolution.ts';

/** How long the path must stay unchanged before its file is read: typing a path asks for each prefix otherwise. */
const PATH_SETTLE_MS = 400;

/**
 * Learns tables' columns for the column pickers and checks: the table outputs of the shown run (from
 * their previews) and the files the data nodes name (from the server's reading of them). Each table
 * and each file is asked for once; draws nothing.
 */
export function ColumnFacts() {
  const session = useSession();
  const { runView, document, catalog, setRunColumns, setFileColumns } = useEditor(
    useShallow((state) => ({
      runView: state.runView,
      document: state.document,
      catalog: state.catalog.catalog,
      setRunColumns: state.setRunColumns,
      setFileColumns: state.setFileColumns,
    })),
  );
  const tables = useRef(new Map<string, Promise<readonly string[] | undefined>>());
  const files = useRef(new Map<string, Promise<readonly string[] | undefined>>());

  useEffect(() => {
    let cancelled = false;
    const wanted: Array<[string, Promise<readonly string[] | undefined>]> = [];
    for (const [nodeId, step] of Object.entries(runView?.steps ?? {})) {
      for (const [port, output] of Object.entries(step.outputs)) {
        if (output.type !== 'table') continue;
        let columns = tables.current.get(output.sha256);
        if (columns === undefined) {
          columns = session.api.artifactPreview(output.sha256, 0).then(
            (preview) => (preview.kind === 'table' ? preview.columns.map((column) => column.name) : undefined),
            () => undefined, // no preview, no suggestions: the field stays a text box
          );
          tables.current.set(output.sha256, columns);
        }
        wanted.push([outputKey(nodeId, port), columns]);
      }
    }
    void Promise.all(wanted.map(async ([key, columns]) => [key, await columns] as const)).then((entries) => {
      if (cancelled) return;
      const outputs = new Map<string, readonly string[]>();
      for (const [key, columns] of entries) if (columns !== undefined) outputs.set(key, columns);
      setRunColumns(outputs);
    });
    return () => {
      cancelled = true;
    };
  }, [session, runView?.steps, setRunColumns]);

  useEffect(() => {
    const timer = setTimeout(() => {
      for (const node of document.nodes) {
        const entry = catalog.nodes.find(
          (candidate) => candidate.type === node.type && candidate.version === node.version,
        );
        const path = sourceFilePath(document, entry, node.id);
        if (path === undefined) continue;
        const delimiter = typeof node.params?.delimiter === 'string' ? node.params.delimiter : undefined;
        const header = typeof node.params?.header === 'boolean' ? node.params.header : undefined;
        const key = JSON.stringify([path, delimiter, header]);
        let columns = files.current.get(key);
        if (columns === undefined) {
          const csv = {
            ...(delimiter === undefined ? {} : { delimiter }),
            ...(header === undefined ? {} : { header }),
          };
          columns = session.api.dataFileColumns(path, csv).then(
            (reply) => reply.columns.map((column) => column.name),
            () => {
              // A missing or unreadable file is the path check's to report; asked again after the next edit.
              files.current.delete(key);
              return undefined;
            },
          );
          files.current.set(key, columns);
        }
        void columns.then((known) => setFileColumns(path, known));
      }
    }, PATH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [session, document, catalog, setFileColumns]);

  return null;
}
