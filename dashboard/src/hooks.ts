import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetches again, keeping the current data on screen until the answer arrives. */
  reload: () => Promise<void>;
  /** Shows data the caller already has (a write's answer), dropping any request still under way. */
  replace: (data: T) => void;
}

/** Loads data when `deps` change; answers to an outdated request are dropped. */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: undefined, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((previous) => ({ data: previous.data, error, loading: false }));
    }
  }, []);

  const replace = useCallback((data: T) => {
    generation.current++;
    setState({ data, error: undefined, loading: false });
  }, []);

  useEffect(() => {
    setState({ data: undefined, error: undefined, loading: true });
    void reload();
  }, deps);

  return { ...state, reload, replace };
}

/** Calls `tick` every `ms` while `enabled` and the tab is visible. */
export function useInterval(tick: () => void, ms: number, enabled: boolean): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!enabled) return;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') tickRef.current();
    }, ms);
    return () => clearInterval(id);
  }, [ms, enabled]);
}

/** Loads a module once, on first use (code splitting: charts and the planner are their own chunks). */
export function useLazyModule<T>(load: () => Promise<T>): T | undefined {
  const [module, setModule] = useState<T | undefined>(undefined);
  useEffect(() => {
    let live = true;
    load().then((loaded) => live && setModule(() => loaded));
    return () => void (live = false);
  }, []);
  return module;
}
