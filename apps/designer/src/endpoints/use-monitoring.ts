import { useCallback, useEffect, useRef, useState } from 'react';
import type { LoomApi } from '../api/loom-api.ts';
import { loadMonitoring, MONITORING_POLL_MS, type ModelMonitoring, openAlertCounts } from './monitors-data.ts';

/**
 * Calls `load` now and again every `MONITORING_POLL_MS` after each answer, while the component is
 * mounted: windows end and alerts open on the server without the designer asking. `reload()` reads
 * at once (after a change the user made). Only the newest answer is kept: a slow one that comes back
 * after a quicker, later one is dropped.
 */
function usePolled<T>(load: () => Promise<T>): {
  value: T | undefined;
  error: string | undefined;
  reload: () => Promise<void>;
} {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const request = ++latest.current;
    try {
      const next = await load();
      if (request !== latest.current) return;
      setValue(next);
      setError(undefined);
    } catch (cause) {
      if (request === latest.current) setError((cause as Error).message);
    }
  }, [load]);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await reload();
      if (!stopped) timer = setTimeout(() => void tick(), MONITORING_POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      // An answer still on its way must not land after the component has gone.
      latest.current++;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [reload]);
  return { value, error, reload };
}

/** One model's monitors, their windows and its alerts, kept fresh while the Monitoring tab is open. */
export function useModelMonitoring(api: LoomApi, model: string) {
  const load = useCallback(() => loadMonitoring(api, model), [api, model]);
  const { value, error, reload } = usePolled<ModelMonitoring>(load);
  // A value read for another model (just switched) is not shown as this one's.
  return { monitoring: value?.model === model ? value : undefined, error, reload };
}

/** Open alerts per model, for the model list's badges, kept fresh while the dialog is open. */
export function useOpenAlertCounts(api: LoomApi) {
  const load = useCallback(async () => openAlertCounts((await api.listAlerts({ status: 'open' })).alerts), [api]);
  const { value, reload } = usePolled(load);
  return { counts: value, reload };
}
