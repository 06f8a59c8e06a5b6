import { useEffect, useState } from 'react';
import { useSession } from '../commands/use-commands.tsx';
import { DATA_FILES_LIST_ID } from './data-file-field.ts';

/**
 * Suggestions for path fields: the files under the server's data folders, listed when the editor opens
 * and again when the window regains focus (a file may have been added meanwhile).
 */
export function DataFileSuggestions() {
  const session = useSession();
  const [files, setFiles] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      session.api.dataFiles().then(
        (reply) => !cancelled && setFiles(reply.files.map((file) => file.path)),
        () => undefined, // suggestions only: without them the field is a plain text box
      );
    void load();
    window.addEventListener('focus', load);
    return () => {
      cancelled = true;
      window.removeEventListener('focus', load);
    };
  }, [session]);
  return (
    <datalist id={DATA_FILES_LIST_ID}>
      {files.map((file) => (
        <option key={file} value={file} />
      ))}
    </datalist>
  );
}
