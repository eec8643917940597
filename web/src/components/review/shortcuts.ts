// Keyboard shortcuts for the workbench. Keys typed into a field are left alone, as are chords with modifiers.
import { useEffect, useRef } from 'react';

export const SHORTCUTS: { key: string; label: string; what: string }[] = [
  { key: 'v', label: 'v', what: 'violating' },
  { key: 'n', label: 'n', what: 'not violating' },
  { key: 'e', label: 'e', what: 'escalate' },
  { key: 'r', label: 'r', what: 'reveal the media one step more (audited)' },
  { key: 'Enter', label: 'Enter', what: 'submit the decision' },
  { key: 'h', label: 'h', what: 'hold (asks for a reason)' },
  { key: 'Escape', label: 'Esc', what: 'release the task to its queue' },
  { key: 'c', label: 'c', what: 'claim the next task (when none is open)' },
];

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Calls handlers[key] (key lower-cased: 'v', 'enter', 'escape') on a plain key press outside form fields; the latest handlers are always used. */
export function useShortcuts(handlers: Partial<Record<string, () => void>>, enabled: boolean): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.repeat || typing(e.target)) return;
      // A focused button handles Enter itself (a click); don't decide twice.
      if (e.key === 'Enter' && e.target instanceof HTMLButtonElement) return;
      const handler = ref.current[e.key.toLowerCase()];
      if (!handler) return;
      e.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
