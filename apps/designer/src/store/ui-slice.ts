import type { SliceCreator } from './editor-types.ts';

/** Dialogs and overlays; one at a time. */
export type DialogKind = 'open' | 'versions' | 'run' | 'help' | 'quick-add' | 'runs' | 'name';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  message: string;
}

/** Editor state that is neither document nor run: open panels, messages, requests to the canvas. */
export interface UiSlice {
  dialog: DialogKind | undefined;
  /** The step whose logs and outputs the drawer shows. */
  drawerStep: string | undefined;
  toasts: readonly Toast[];
  /** Why the last connection attempt was refused; shown beside the canvas until the next attempt. */
  connectionRefusal: string | undefined;
  /** A node the canvas should bring into view (a new object each time, so repeating a request works). */
  focusRequest: { nodeId: string } | undefined;
  /** Set when a whole document was loaded: the canvas fits it into view once its nodes are measured. */
  fitRequest: object | undefined;
  /** Where the pointer last was on the canvas, in flow coordinates: where pasted and quick-added nodes go. */
  pointer: { x: number; y: number } | undefined;
  openDialog(dialog: DialogKind | undefined): void;
  openDrawer(stepId: string | undefined): void;
  toast(tone: Toast['tone'], message: string): void;
  dismissToast(id: number): void;
  setConnectionRefusal(reason: string | undefined): void;
  focusNode(nodeId: string): void;
  requestFit(): void;
  setPointer(pointer: { x: number; y: number }): void;
}

let toastIds = 0;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  dialog: undefined,
  drawerStep: undefined,
  toasts: [],
  connectionRefusal: undefined,
  focusRequest: undefined,
  fitRequest: undefined,
  pointer: undefined,
  openDialog(dialog) {
    set({ dialog });
  },
  openDrawer(stepId) {
    set({ drawerStep: stepId });
  },
  toast(tone, message) {
    const id = ++toastIds;
    set((state) => ({ toasts: [...state.toasts.slice(-3), { id, tone, message }] }));
    setTimeout(() => get().dismissToast(id), tone === 'error' ? 8000 : 3500);
  },
  dismissToast(id) {
    set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
  },
  setConnectionRefusal(reason) {
    if (get().connectionRefusal !== reason) set({ connectionRefusal: reason });
  },
  focusNode(nodeId) {
    set({ focusRequest: { nodeId }, selectedNodes: new Set([nodeId]), selectedEdges: new Set() });
  },
  requestFit() {
    set({ fitRequest: {} });
  },
  setPointer(pointer) {
    set({ pointer });
  },
});
