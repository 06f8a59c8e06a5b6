import { createContext, useContext } from 'react';

const FALLBACK = '#94a3b8';

/** Port type → colour, from the catalog; provided once above the canvas. */
export const PortColorContext = createContext<ReadonlyMap<string, string>>(new Map());

export function usePortColor(): (type: string) => string {
  const colors = useContext(PortColorContext);
  return (type) => colors.get(type) ?? FALLBACK;
}
