/** Whether a keyboard event matches a shortcut written like `Mod+Shift+Z`; `Mod` is Ctrl or ⌘. */
export function matchesShortcut(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  shortcut: string,
): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()?.toLowerCase();
  const wants = new Set(parts.map((part) => part.toLowerCase()));
  const mod = event.ctrlKey || event.metaKey;
  if (wants.has('mod') !== mod) return false;
  // Punctuation (`?`, `=`) often needs Shift to type at all: the character itself is what counts.
  const punctuation = key !== undefined && key.length === 1 && !/[a-z0-9]/.test(key);
  if (!punctuation && wants.has('shift') !== event.shiftKey) return false;
  if (wants.has('alt') !== event.altKey) return false;
  return event.key.toLowerCase() === key || (key === 'space' && event.key === ' ');
}

/** A shortcut as the user's platform writes it: ⌘ on macOS, Ctrl elsewhere. */
export function formatShortcut(shortcut: string, mac = /Mac|iPhone|iPad/.test(navigator.platform)): string {
  return shortcut
    .split('+')
    .map((part) => {
      if (part === 'Mod') return mac ? '⌘' : 'Ctrl';
      if (part === 'Shift') return mac ? '⇧' : 'Shift';
      if (part === 'Alt') return mac ? '⌥' : 'Alt';
      return part.length === 1 ? part.toUpperCase() : part;
    })
    .join(mac ? '' : '+');
}

/** Typing in a field keeps its own keys: Delete deletes text there, not nodes. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
