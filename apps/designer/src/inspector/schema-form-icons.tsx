import type { ReactNode } from 'react';

/** Small stroke icons for the parameter form; decorative, so hidden from assistive technology. */

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      className="schema-icon"
      width="14"
      height="14"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export function LinkIcon() {
  return (
    <Icon>
      <path d="M6.5 9.5l3-3" />
      <path d="M7.2 4.6l1-1a2.6 2.6 0 013.7 3.7l-1 1" />
      <path d="M8.8 11.4l-1 1a2.6 2.6 0 01-3.7-3.7l1-1" />
    </Icon>
  );
}

export function ResetIcon() {
  return (
    <Icon>
      <path d="M3 3v3.5h3.5" />
      <path d="M3.6 9.5A4.5 4.5 0 103.4 6" />
    </Icon>
  );
}

export function CloseIcon() {
  return (
    <Icon>
      <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" />
    </Icon>
  );
}

export function PlusIcon() {
  return (
    <Icon>
      <path d="M8 3.5v9M3.5 8h9" />
    </Icon>
  );
}
