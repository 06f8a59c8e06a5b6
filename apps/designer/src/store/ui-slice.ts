import type { SliceCreator } from './editor-types.ts';

/** Dialogs and overlays; one at a time. */
export type DialogKind =
  | 'open'
  | 'examples'
  | 'versions'
  | 'run'
  | 'help'
  | 'quick-add'
  | 'runs'
  | 'name'
  | 'endpoints'
  | 'triggers';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'error';
  message: string;
  /** Gone at the next press on the canvas: it was about the last thing done there. */
  untilCanvasInteraction?: boolean;
}

export interface ToastOptions {
  /** How long the toast stays. @default 8000 for errors, 3500 otherwise */
  durationMs?: number;
  /** Dismiss it at the next press on the canvas as well. @default false */
  untilCanvasInteraction?: boolean;
}

/** How long a message about a canvas gesture ("Cannot connect: …") stays, unless the next press dismisses it. */
export const CANVAS_TOAST_MS = 4000;

/** Editor state that is neither document nor run: open panels, messages, requests to the canvas. */
export interface UiSlice {
  dialog: DialogKind | undefined;
  /** The model Models and endpoints opens on, when it was opened for one (from a step's endpoint output). */
  endpointsModel: string | undefined;
  /** The step whose logs and outputs the drawer shows. */
  drawerStep: string | undefined;
  toasts: readonly Toast[];
  /** Why the connection being dragged would be refused; shown beside the canvas while the drag lasts. */
  connectionRefusal: string | undefined;
  /** A node the canvas should bring into view (a new object each time, so repeating a request works). */
  focusRequest: { nodeId: string } | undefined;
  /** Set when a whole document was loaded: the canvas fits it into view once its nodes are measured. */
  fitRequest: object | undefined;
  /** Where the pointer last was on the canvas, in flow coordinates: where pasted and quick-added nodes go. */
  pointer: { x: number; y: number } | undefined;
  openDialog(dialog: DialogKind | undefined): void;
  /** Opens Models and endpoints on `model`. */
  openEndpoints(model: string): void;
  openDrawer(stepId: string | undefined): void;
  toast(tone: Toast['tone'], message: string, options?: ToastOptions): void;
  dismissToast(id: number): void;
  /** Dismisses the toasts shown with `untilCanvasInteraction`. */
  dismissCanvasToasts(): void;
  setConnectionRefusal(reason: string | undefined): void;
  focusNode(nodeId: string): void;
  requestFit(): void;
  setPointer(pointer: { x: number; y: number }): void;
}

let toastIds = 0;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  dialog: undefined,
  endpointsModel: undefined,
  drawerStep: undefined,
  toasts: [],
  connectionRefusal: undefined,
  focusRequest: undefined,
  fitRequest: undefined,
  pointer: undefined,
  openDialog(dialog) {
    set({ dialog, endpointsModel: undefined });
  },
  openEndpoints(model) {
    set({ dialog: 'endpoints', endpointsModel: model });
  },
  openDrawer(stepId) {
    set({ drawerStep: stepId });
  },
  toast(tone, message, options = {}) {
    const id = ++toastIds;
    const toast: Toast = options.untilCanvasInteraction
      ? { id, tone, message, untilCanvasInteraction: true }
      : { id, tone, message };
    set((state) => ({ toasts: [...state.toasts.slice(-3), toast] }));
    setTimeout(() => get().dismissToast(id), options.durationMs ?? (tone === 'error' ? 8000 : 3500));
  },
  dismissToast(id) {
    set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
  },
  dismissCanvasToasts() {
    // Called on every press on the canvas: leave the state (and its subscribers) alone when there is none.
    if (get().toasts.some((toast) => toast.untilCanvasInteraction))
      set((state) => ({ toasts: state.toasts.filter((toast) => !toast.untilCanvasInteraction) }));
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
