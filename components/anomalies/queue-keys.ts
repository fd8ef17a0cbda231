"use client";
/** The queue's keyboard: one table of keys, used by the handler and by the `?` overlay. */
import { useEffect, useRef } from "react";

export const QUEUE_KEYS = [
  { keys: ["j", "↓"], action: "next", label: "Move down" },
  { keys: ["k", "↑"], action: "previous", label: "Move up" },
  { keys: ["Enter", "o"], action: "open", label: "Open the anomaly" },
  { keys: ["x"], action: "select", label: "Select or unselect" },
  { keys: ["a"], action: "acknowledge", label: "Acknowledge (selected, or the one under the cursor)" },
  { keys: ["m"], action: "assignMe", label: "Assign to me" },
  { keys: ["r"], action: "resolve", label: "Resolve" },
  { keys: ["u"], action: "reopen", label: "Reopen" },
  { keys: ["t"], action: "labelTrue", label: "Label true positive (analysts)" },
  { keys: ["f"], action: "labelFalse", label: "Label false positive (analysts)" },
  { keys: ["n"], action: "labelUnsure", label: "Label unsure, not sure (analysts)" },
  { keys: ["Esc"], action: "clear", label: "Clear the selection / close this help" },
  { keys: ["?"], action: "help", label: "Show or hide the keys" },
] as const;
export type QueueAction = (typeof QUEUE_KEYS)[number]["action"];

const EVENT_KEYS: Record<string, QueueAction> = {
  j: "next",
  ArrowDown: "next",
  k: "previous",
  ArrowUp: "previous",
  Enter: "open",
  o: "open",
  x: "select",
  a: "acknowledge",
  m: "assignMe",
  r: "resolve",
  u: "reopen",
  t: "labelTrue",
  f: "labelFalse",
  n: "labelUnsure",
  Escape: "clear",
  "?": "help",
};

function inField(el: HTMLElement | null): boolean {
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/** Calls `onAction` for the queue's keys pressed anywhere on the page except while typing in a field. */
export function useQueueKeys(onAction: (action: QueueAction) => void) {
  const handler = useRef(onAction);
  useEffect(() => {
    handler.current = onAction;
  });
  useEffect(() => {
    const listen = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const action = EVENT_KEYS[e.key];
      if (!action) return;
      const target = e.target as HTMLElement | null;
      if (inField(target) && e.key !== "Escape") return;
      // Enter on a focused link or button keeps its own meaning.
      if (action === "open" && target && ["A", "BUTTON"].includes(target.tagName)) return;
      e.preventDefault();
      handler.current(action);
    };
    document.addEventListener("keydown", listen);
    return () => document.removeEventListener("keydown", listen);
  }, []);
}
