import { ReactFlowProvider } from '@xyflow/react';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, LoomApi } from '../api/loom-api.ts';
import { catalogContext } from '../catalog/catalog-context.ts';
import { followCatalog } from '../catalog/follow-catalog.ts';
import { SessionContext } from '../commands/use-commands.tsx';
import { EditorProvider } from '../store/editor-context.tsx';
import { createEditorStore } from '../store/editor-store.ts';
import { Editor } from './Editor.tsx';
import { EditorSession } from './editor-session.ts';

const TOKEN_KEY = 'loom.apiToken';

type Boot =
  | { kind: 'loading' }
  | { kind: 'ready'; session: EditorSession }
  | { kind: 'needs-token' }
  | { kind: 'failed'; message: string };

/** Loads the node catalog, then builds the editor's store and session around it, and keeps the catalog current. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger
  useEffect(() => {
    const token = localStorage.getItem(TOKEN_KEY) ?? undefined;
    const api = new LoomApi(token === undefined ? {} : { token });
    let cancelled = false;
    api.catalog().then(
      ({ catalog, revision }) => {
        if (cancelled) return;
        const store = createEditorStore(catalogContext(catalog, revision));
        setBoot({ kind: 'ready', session: new EditorSession(store, api) });
      },
      (cause: unknown) => {
        if (cancelled) return;
        if (cause instanceof ApiError && cause.status === 401) setBoot({ kind: 'needs-token' });
        else setBoot({ kind: 'failed', message: (cause as Error).message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  // The server may reload its plugins (`loom start --dev`): the palette and the diagnostics follow it.
  useEffect(() => {
    if (boot.kind !== 'ready') return;
    return followCatalog(boot.session.store, boot.session.api);
  }, [boot]);

  switch (boot.kind) {
    case 'loading':
      return <div className="boot">Loading Loom…</div>;
    case 'failed':
      return (
        <div className="boot">
          <p>{boot.message}</p>
          <button type="button" className="button" onClick={() => setAttempt(attempt + 1)}>
            Try again
          </button>
        </div>
      );
    case 'needs-token':
      return <TokenForm onSaved={() => setAttempt(attempt + 1)} />;
    case 'ready':
      return (
        <EditorProvider store={boot.session.store}>
          <SessionContext.Provider value={boot.session}>
            <ReactFlowProvider>
              <Editor />
            </ReactFlowProvider>
          </SessionContext.Provider>
        </EditorProvider>
      );
    default: {
      const unknown: never = boot;
      return unknown;
    }
  }
}

function TokenForm({ onSaved }: { onSaved: () => void }) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    localStorage.setItem(TOKEN_KEY, token.trim());
    onSaved();
  };
  return (
    <form className="boot" onSubmit={submit}>
      <p>This Loom server needs an API token (its LOOM_API_TOKEN).</p>
      <input type="password" aria-label="API token" value={token} onChange={(event) => setToken(event.target.value)} />
      <button type="submit" className="button primary">
        Continue
      </button>
    </form>
  );
}
