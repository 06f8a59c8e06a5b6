import { type ChangeEvent, useEffect, useState } from 'react';
import { useSession } from '../commands/use-commands.tsx';

/**
 * Importing files: a `.loom.json` dropped anywhere on the window, or picked with the hidden input that
 * the Import command clicks.
 */
export function FileDrop() {
  const session = useSession();
  const [over, setOver] = useState(false);

  useEffect(() => {
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;
    const onDragOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setOver(true);
    };
    const onDragLeave = (event: DragEvent) => {
      if (event.relatedTarget === null) setOver(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setOver(false);
      const file = event.dataTransfer?.files[0];
      if (file !== undefined) void file.text().then((text) => session.importText(text, file.name));
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [session]);

  const onPick = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file !== undefined) void file.text().then((text) => session.importText(text, file.name));
  };

  return (
    <>
      <input
        id="import-file-input"
        type="file"
        accept=".json,application/json"
        hidden
        onChange={onPick}
        data-testid="import-file-input"
      />
      {over && (
        <div className="drop-overlay">
          <div>Drop a .loom.json file to open it</div>
        </div>
      )}
    </>
  );
}
